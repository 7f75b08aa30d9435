"""The default refusal replies, one per refusal reason of DOMAIN.md; supervisors edit them in the admin."""

from django.db import migrations

TEMPLATES = [
    # code, title zh, title en, body zh, body en
    ("fraud_report", "诈骗举报不可撤销", "A fraud report cannot be withdrawn",
     "您好,您申请撤销的投诉属于诈骗举报。诈骗举报一经提交即被冻结,可能涉及公安立案流程,因此无法撤销。"
     "本次撤销申请已被拒绝,相关记录将予以保留。",
     "Hello. The complaint you asked to withdraw is a fraud report. A fraud report is frozen as soon as it "
     "is filed and a police case may be open, so it cannot be withdrawn. Your request has been refused and "
     "is kept on record."),
    ("withdrawal_proof_missing", "缺少撤诉书面证明", "No written proof that the claim was withdrawn",
     "您好,侵权投诉(版权、肖像权)只有在权利人书面撤回侵权主张后才能撤销,并需提供相应的法律文书"
     "(如和解协议、律师函)。您的申请中缺少这些材料,因此本次无法撤销。补齐材料后可重新提交申请。",
     "Hello. An infringement complaint (copyright, portrait right) can be withdrawn only once the right "
     "holder has withdrawn the claim in writing, with the legal documents to show it (such as a settlement "
     "or a lawyer's letter). Your request does not include them, so it cannot be approved. You may apply "
     "again with these documents."),
    ("respondent_consent_missing", "缺少被投诉方同意", "The respondent has not agreed",
     "您好,账号违规举报需双方协商一致才能撤销。我们未收到被投诉方同意撤销的书面确认,因此本次无法撤销。"
     "取得被投诉方的书面同意后可重新提交申请。",
     "Hello. An account-violation report can be withdrawn only when both parties agree. We have not "
     "received the respondent's written agreement to the withdrawal, so your request cannot be approved. "
     "You may apply again once the respondent has agreed in writing."),
    ("platform_review_precedence", "平台审核优先", "The platform's review takes precedence",
     "您好,内容侵权(文字、图片)投诉适用平台审核优先原则。平台审核已认定该投诉成立,因此本次无法撤销。",
     "Hello. For a content-infringement complaint (text, images) the platform's review takes precedence. "
     "The review upheld the complaint, so it cannot be withdrawn."),
    ("special_case_documents_missing", "特殊情形材料不全", "Documents for the special case are missing",
     "您好,您的申请属于特殊情形,需要提供该情形要求的全部材料:未成年人误操作需监护人身份证明和出生证(需公证);"
     "企业公众号误投诉需营业执照和授权书(需法人签字);跨境投诉需领事认证文件(需双语版本);"
     "系统误触发需技术日志提取(需开发者协助)。您的材料不完整,因此本次无法撤销。",
     "Hello. Your request is a special case and needs every document that case asks for: a minor's "
     "mistake needs the guardian's identity document and the birth certificate (notarised); an enterprise "
     "account's mistake needs the business licence and an authorisation letter (signed by the legal "
     "representative); a cross-border complaint needs consular authentication (in two languages); a "
     "complaint the system raised by mistake needs a technical log extract (with a developer's help). "
     "Your documents are incomplete, so the request cannot be approved."),
    ("supplementary_proof_missing", "缺少补充证明材料", "Supplementary proof is missing",
     "您好,该投诉已进入证据核查期,撤销需补充证明材料(如公证文书、平台交易记录)。您未提供这些材料,"
     "因此本次无法撤销。",
     "Hello. The complaint is in its evidence check, where a withdrawal needs supplementary proof (such as "
     "notary documents or platform transaction records). It was not provided, so your request cannot be "
     "approved."),
    ("judicial_material_missing", "缺少司法介入材料", "Judicial material is missing",
     "您好,该投诉已进入终审阶段,撤销需司法介入材料。您未提供这些材料,因此本次无法撤销。",
     "Hello. The complaint is in its final review, where a withdrawal needs judicial material. It was not "
     "provided, so your request cannot be approved."),
    ("complaint_handled", "投诉已处理完成", "The complaint has been handled",
     "您好,该投诉已处理完成,处理结果不可逆,无法再撤销。如对处理结果有异议,仅可申请行政复议。",
     "Hello. The complaint has been handled and its outcome is irreversible, so it can no longer be "
     "withdrawn. If you disagree with the outcome, only administrative reconsideration remains."),
    ("evidence_incomplete", "证据链不完整", "The evidence is incomplete",
     "您好,您提交的证据未能支持撤销申请。完整的证据链包括:基础层(投诉时的设备信息、带时间戳的操作截图)、"
     "核心层(沟通记录,如和解协议)和补充层(第三方证明,如公证文书、平台交易记录)。补齐证据后可重新提交申请。",
     "Hello. The evidence you gave does not support the withdrawal. A complete chain has the base tier "
     "(device information from when the complaint was made, screenshots with timestamps), the core tier "
     "(communication records such as a settlement agreement) and the supplementary tier (third-party "
     "proof such as notary documents or platform transaction records). You may apply again with it."),
    ("no_reply", "未补充所需材料", "The requested material did not arrive",
     "您好,我们曾请您补充材料,但未收到回复,因此无法继续处理本次撤销申请。",
     "Hello. We asked you for more material and did not hear back, so we cannot go on with this request."),
]


def create(apps, schema_editor):
    ReplyTemplate = apps.get_model("casework", "ReplyTemplate")
    for order, (code, title, title_en, body, body_en) in enumerate(TEMPLATES, 1):
        ReplyTemplate.objects.update_or_create(
            code=code,
            defaults={"order": order, "title": title, "title_en": title_en, "body": body, "body_en": body_en,
                      "active": True},
        )


def remove(apps, schema_editor):
    ReplyTemplate = apps.get_model("casework", "ReplyTemplate")
    ReplyTemplate.objects.filter(code__in=[row[0] for row in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
