"""The default policy set: every figure and table of DOMAIN.md (the source article, §1-§8).

Administrators edit these rows in the admin; code never repeats the numbers. The data is written
out here rather than imported so that this migration stays what it was when it ran.
"""

from datetime import time
from decimal import Decimal as D

from django.db import migrations

MB = 1024 * 1024

DOCUMENTS = [
    # code, zh, en, formality zh, formality en, description zh, description en
    ("withdrawal_proof", "撤诉书面证明", "Written proof that the claim was withdrawn", "", "",
     "权利人撤回侵权主张的书面文件。", "A written statement by the right holder withdrawing the claim."),
    ("legal_documents", "法律文书", "Legal documents", "", "",
     "与侵权主张相关的法律文书,如和解协议、律师函。", "Legal documents about the claim, such as a settlement or a lawyer's letter."),
    ("respondent_consent", "被投诉方同意书", "The respondent's consent", "", "",
     "被投诉方同意撤销的书面确认,证明双方协商一致。", "The respondent's written agreement that both parties consent to the withdrawal."),
    ("supplementary_proof", "补充证明材料", "Supplementary proof", "", "",
     "证据核查期需补充的证明材料。", "The proof to add during the evidence check."),
    ("judicial_material", "司法介入材料", "Judicial material", "", "",
     "终审阶段需要的司法介入材料。", "The judicial material the final review needs."),
    ("guardian_identity", "监护人身份证明", "Guardian's identity document", "需公证处盖章", "notarised",
     "未成年人误操作时,监护人的身份证明。", "The guardian's identity document when a minor filed by mistake."),
    ("birth_certificate", "出生证", "Birth certificate", "需公证处盖章", "notarised",
     "未成年人的出生证明。", "The minor's birth certificate."),
    ("business_licence", "营业执照", "Business licence", "需法人签字", "signed by the legal representative",
     "企业公众号误投诉时的营业执照。", "The business licence when an enterprise account filed by mistake."),
    ("authorisation_letter", "授权书", "Authorisation letter", "需法人签字", "signed by the legal representative",
     "企业授权经办人办理撤销的授权书。", "The letter authorising the person who handles the withdrawal."),
    ("consular_authentication", "领事认证文件", "Consular authentication", "需双语版本", "in two languages",
     "跨境投诉撤销所需的领事认证文件。", "Consular authentication for a cross-border withdrawal."),
    ("technical_log_extract", "技术日志提取", "Technical log extract", "需开发者协助", "with a developer's help",
     "系统误触发投诉时的技术日志摘录。", "A log extract showing that the system raised the complaint by mistake."),
]

PLATFORMS = [
    {
        "code": "wechat", "order": 1, "name": "微信", "name_en": "WeChat",
        "entry_point": "客服工单系统", "entry_point_en": "Customer-service ticket system",
        "entry_path": "我 › 设置 › 帮助与反馈 › 投诉相关问题",
        "entry_path_en": "Me › Settings › Help & Feedback › Complaint-related issues",
        "identity_methods": ["face_recognition", "sms_code"], "longest_handling_hours": 72,
        "complaint_number_pattern": r"^WX\d{18}$", "complaint_number_example": "WX202611240930001234",
        "complaint_number_hint": "我 › 设置 › 帮助与反馈 › 我的投诉,投诉详情页顶部的「投诉编号」(以 WX 开头)。",
        "complaint_number_hint_en": "Me › Settings › Help & Feedback › My complaints: the complaint number "
        "at the top of the complaint's page (starts with WX).",
    },
    {
        "code": "alipay", "order": 2, "name": "支付宝", "name_en": "Alipay",
        "entry_point": "投诉详情页", "entry_point_en": "Complaint detail page",
        "entry_path": "我的 › 我的客服 › 我的投诉 › 投诉详情",
        "entry_path_en": "Me › Customer service › My complaints › Complaint details",
        "identity_methods": ["payment_password"], "longest_handling_hours": 24,
        "complaint_number_pattern": r"^ZFB\d{18}$", "complaint_number_example": "ZFB202611240930004567",
        "complaint_number_hint": "投诉详情页的「投诉编号」(以 ZFB 开头)。",
        "complaint_number_hint_en": "The complaint number on the complaint detail page (starts with ZFB).",
    },
    {
        "code": "douyin", "order": 3, "name": "抖音", "name_en": "Douyin",
        "entry_point": "创作中心-争议管理", "entry_point_en": "Creator centre › Dispute management",
        "entry_path": "我 › 创作中心 › 争议管理",
        "entry_path_en": "Me › Creator centre › Dispute management",
        "identity_methods": ["real_name"], "longest_handling_hours": 48,
        "complaint_number_pattern": r"^DY\d{18}$", "complaint_number_example": "DY202611240930007890",
        "complaint_number_hint": "创作中心 › 争议管理中该投诉的「投诉编号」(以 DY 开头)。",
        "complaint_number_hint_en": "Creator centre › Dispute management: the complaint number (starts with DY).",
    },
    {
        "code": "taobao", "order": 4, "name": "淘宝", "name_en": "Taobao",
        "entry_point": "消费者权益保护", "entry_point_en": "Consumer rights protection",
        "entry_path": "我的淘宝 › 消费者权益保护 › 我的投诉",
        "entry_path_en": "My Taobao › Consumer rights protection › My complaints",
        "identity_methods": ["digital_certificate"], "longest_handling_hours": 120,
        "complaint_number_pattern": r"^TB\d{18}$", "complaint_number_example": "TB202611240930001357",
        "complaint_number_hint": "消费者权益保护 › 我的投诉中的「投诉编号」(以 TB 开头)。",
        "complaint_number_hint_en": "Consumer rights protection › My complaints: the complaint number "
        "(starts with TB).",
    },
]

LOOKALIKES = [
    ("order", r"^\d{16,32}$",
     "这看起来是订单号(纯数字)。请填写投诉编号:它在投诉详情页顶部,以平台字母开头。",
     "This looks like an order number (digits only). Enter the complaint number instead: it is at the "
     "top of the complaint's page and starts with the platform's letters."),
    ("chat_record", r"^(?i:MSG|CHAT)[-_]?[0-9A-Za-z]{6,}$",
     "这看起来是聊天记录编号。请填写投诉编号:它在投诉详情页顶部,以平台字母开头。",
     "This looks like a chat-record number. Enter the complaint number instead: it is at the top of the "
     "complaint's page and starts with the platform's letters."),
]

COMPLAINT_TYPES = [
    {
        "code": "infringement", "order": 1, "name": "侵权投诉", "name_en": "Infringement",
        "examples": "版权 / 肖像权", "examples_en": "copyright / portrait right",
        "withdrawability": "very_unlikely", "handling_days_min": 3, "handling_days_max": 7,
        "key_condition": "需提供撤诉书面证明(需法律文书)",
        "key_condition_en": "Written proof that the claim was withdrawn (legal documents needed)",
        "documents": ["withdrawal_proof", "legal_documents"],
    },
    {
        "code": "fraud", "order": 2, "name": "诈骗举报", "name_en": "Fraud report",
        "withdrawability": "never", "handling_days_min": 0, "handling_days_max": 0, "frozen_at_once": True,
        "key_condition": "涉及公安立案流程", "key_condition_en": "A police case may be open",
        "refusal_reason": "诈骗举报一经提交即被冻结,可能涉及公安立案流程,不能撤销。撤销请求会被拒绝并保留记录。",
        "refusal_reason_en": "A fraud report is frozen as soon as it is filed and a police case may be open, "
        "so it cannot be withdrawn. The request is refused and kept on record.",
        "documents": [],
    },
    {
        "code": "account_violation", "order": 3, "name": "账号违规举报", "name_en": "Account-violation report",
        "withdrawability": "conditional", "handling_days_min": 1, "handling_days_max": 3, "low_risk": True,
        "key_condition": "需双方协商一致(记录被投诉方同意)",
        "key_condition_en": "Both parties agree (the respondent's consent is recorded)",
        "documents": ["respondent_consent"],
    },
    {
        "code": "content_infringement", "order": 4, "name": "内容侵权", "name_en": "Content infringement",
        "examples": "文字 / 图片", "examples_en": "text / image",
        "withdrawability": "restricted", "handling_days_min": 2, "handling_days_max": 5,
        "key_condition": "平台审核优先原则", "key_condition_en": "Platform review takes precedence",
        "documents": [],
    },
]

STAGES = [
    {
        "code": "preliminary_review", "order": 1, "name": "初审阶段", "name_en": "Preliminary review",
        "starts_at_hour": 0, "ends_at_hour": 6, "entry_success_rate": D("0.92"),
        "decay_rate": D("0.08"), "decay_period_hours": 1,
        "deadline_inside": "需在4小时内联系客服", "deadline_inside_en": "Contact customer service within 4 hours",
        "documents": [],
    },
    {
        "code": "evidence_check", "order": 2, "name": "证据核查期", "name_en": "Evidence check",
        "starts_at_hour": 6, "ends_at_hour": 24, "entry_success_rate": D("0.65"),
        "decay_rate": D("0.15"), "decay_period_hours": 6,
        "needed_to_continue": "需补充证明材料", "needed_to_continue_en": "Supplementary proof",
        "documents": ["supplementary_proof"],
    },
    {
        "code": "final_review", "order": 3, "name": "终审阶段", "name_en": "Final review",
        "starts_at_hour": 24, "ends_at_hour": 72, "entry_success_rate": D("0.33"),
        "decay_rate": D("0.20"), "decay_period_hours": 12,
        "needed_to_continue": "需司法介入材料", "needed_to_continue_en": "Judicial material",
        "documents": ["judicial_material"],
    },
    {
        "code": "handled", "order": 4, "name": "处理完成", "name_en": "Handled",
        "starts_at_hour": 72, "ends_at_hour": None, "entry_success_rate": D("0.05"),
        "decay_rate": D("0"), "decay_period_hours": None, "irreversible": True,
        "needed_to_continue": "仅支持行政复议", "needed_to_continue_en": "Only administrative reconsideration",
        "documents": [],
    },
]

SPECIAL_CASES = [
    ("minor", 1, "未成年人误操作", "A minor filed it by mistake", "监护人身份证明+出生证",
     "Guardian's identity + birth certificate", "游戏充值误举报", "A report made while topping up a game",
     ["guardian_identity", "birth_certificate"]),
    ("enterprise_account", 2, "企业公众号误投诉", "An enterprise official account filed it by mistake",
     "营业执照+授权书", "Business licence + authorisation letter", "广告内容误判", "An ad judged wrongly",
     ["business_licence", "authorisation_letter"]),
    ("cross_border", 3, "跨境投诉撤销", "Cross-border complaint", "领事认证文件", "Consular authentication",
     "海外代购纠纷", "An overseas purchasing dispute", ["consular_authentication"]),
    ("system_triggered", 4, "系统误触发投诉", "The system raised it by mistake", "技术日志提取",
     "Technical log extract", "API接口误报", "An API false alarm", ["technical_log_extract"]),
]

ROUTES = [
    ("official_customer_service", 1, "官方客服撤销", "Official customer service", 1, 5, "working",
     "免费", "free", None, D("0.37")),
    ("courts", 2, "司法救济途径", "Courts", 15, 30, "calendar", "¥2,000+", "¥2,000 +", 2000, D("0.68")),
    ("mediation_committee", 3, "平台调解委员会", "Platform mediation committee", 3, 7, "calendar",
     "协商定价", "negotiated", None, D("0.54")),
    ("arbitration", 4, "第三方仲裁机构", "Third-party arbitration", 7, 14, "calendar",
     "¥800起", "from ¥800", 800, D("0.79")),
]

TIERS = [
    ("base", 1, "基础层", "Base", "投诉时的设备信息(IMEI码、IP地址)、操作截图(需包含时间戳)。",
     "Device information from when the complaint was made (IMEI, IP address); screenshots of the "
     "operation with timestamps."),
    ("core", 2, "核心层", "Core", "沟通记录,如与被投诉方达成的和解协议。",
     "Communication records, e.g. a settlement agreement with the respondent."),
    ("supplementary", 3, "补充层", "Supplementary", "第三方证明,如公证处文书、平台交易记录。",
     "Third-party proof: notary documents, platform transaction records."),
]

FORMATS = [
    ("pdf", 1, "PDF 文档", "PDF document", "application/pdf", "pdf", False),
    ("docx", 2, "Word 文档(图片请嵌入其中)", "Word document (put images in one)",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", True),
]

PHRASES = [
    ("blame_shifting", "误操作", "mis-operation", "说明发生了什么,而不是归因于误操作。",
     "Say what happened instead of calling it a mis-operation."),
    ("blame_shifting", "不小心", "by accident", "用平和、具体的语气陈述事实。",
     "State the facts calmly and precisely."),
    ("blame_shifting", "手滑", "slip of the finger", "说明具体的操作和时间。",
     "Say which action was taken, and when."),
    ("blame_shifting", "点错了", "clicked by mistake", "说明具体的操作和时间。",
     "Say which action was taken, and when."),
    ("blame_shifting", "不是我的错", "not my fault", "避免推责,聚焦于解决方案。",
     "Do not shift blame; focus on the remedy."),
    ("precise_term", "工单编号", "ticket number", "写明工单编号。", "Quote the ticket number."),
    ("precise_term", "举证责任", "burden of proof", "说明举证责任由谁承担、已提交哪些证据。",
     "Say who bears the burden of proof and what evidence you give."),
    ("precise_term", "复议程序", "review procedure", "如有需要,说明你了解复议程序。",
     "Where it applies, show you know the review procedure."),
]


def load_defaults(apps, schema_editor):
    get = apps.get_model
    PolicySettings = get("policy", "PolicySettings")
    PolicySettings.objects.update_or_create(
        pk=1,
        defaults={
            "time_zone": "Asia/Shanghai",
            "service_opens_at": time(9, 0),
            "service_closes_at": time(21, 0),
            "service_on_holidays": True,
            "first_contact_hours": 4,
            "peak_assignment_wait_hours": 72,
            "max_evidence_bytes": 20 * MB,
            "complete_chain_odds_multiplier": D("4.70"),
            "cooling_off_minutes": 5,
            "face_rejection_rate": D("0.18"),
            "annual_complaints": 2_300_000,
            "baseline_withdrawal_success_rate": D("0.17"),
            "misoperation_dispute_rate": D("0.32"),
        },
    )

    DocumentRequirement = get("policy", "DocumentRequirement")
    documents = {}
    for order, (code, name, name_en, formality, formality_en, desc, desc_en) in enumerate(DOCUMENTS, 1):
        documents[code], _ = DocumentRequirement.objects.update_or_create(
            code=code,
            defaults={"order": order, "name": name, "name_en": name_en, "formality": formality,
                      "formality_en": formality_en, "description": desc, "description_en": desc_en},
        )

    Platform = get("policy", "Platform")
    for row in PLATFORMS:
        row = dict(row)
        Platform.objects.update_or_create(code=row.pop("code"), defaults=row)

    Lookalike = get("policy", "ComplaintNumberLookalike")
    for kind, pattern, hint, hint_en in LOOKALIKES:
        Lookalike.objects.update_or_create(
            platform=None, kind=kind, defaults={"pattern": pattern, "hint": hint, "hint_en": hint_en}
        )

    ComplaintType = get("policy", "ComplaintType")
    for row in COMPLAINT_TYPES:
        row = dict(row)
        docs = row.pop("documents")
        complaint_type, _ = ComplaintType.objects.update_or_create(code=row.pop("code"), defaults=row)
        complaint_type.required_documents.set([documents[code] for code in docs])

    Stage = get("policy", "Stage")
    for row in STAGES:
        row = dict(row)
        docs = row.pop("documents")
        stage, _ = Stage.objects.update_or_create(code=row.pop("code"), defaults=row)
        stage.needed_documents.set([documents[code] for code in docs])

    SpecialCase = get("policy", "SpecialCase")
    for code, order, name, name_en, policy, policy_en, example, example_en, docs in SPECIAL_CASES:
        case, _ = SpecialCase.objects.update_or_create(
            code=code,
            defaults={"order": order, "name": name, "name_en": name_en, "policy": policy,
                      "policy_en": policy_en, "example": example, "example_en": example_en},
        )
        case.documents.set([documents[doc] for doc in docs])

    AlternativeRoute = get("policy", "AlternativeRoute")
    for code, order, name, name_en, dmin, dmax, kind, cost, cost_en, cost_from, rate in ROUTES:
        AlternativeRoute.objects.update_or_create(
            code=code,
            defaults={"order": order, "name": name, "name_en": name_en, "days_min": dmin, "days_max": dmax,
                      "day_kind": kind, "cost": cost, "cost_en": cost_en, "cost_from_yuan": cost_from,
                      "success_rate": rate},
        )

    EvidenceTier = get("policy", "EvidenceTier")
    for code, order, name, name_en, desc, desc_en in TIERS:
        EvidenceTier.objects.update_or_create(
            code=code,
            defaults={"order": order, "name": name, "name_en": name_en, "description": desc,
                      "description_en": desc_en},
        )

    EvidenceFormat = get("policy", "EvidenceFormat")
    for code, order, name, name_en, mime, ext, images in FORMATS:
        EvidenceFormat.objects.update_or_create(
            code=code,
            defaults={"order": order, "name": name, "name_en": name_en, "mime_type": mime,
                      "extension": ext, "carries_images": images},
        )

    LetterPhrase = get("policy", "LetterPhrase")
    for kind, phrase, meaning_en, advice, advice_en in PHRASES:
        LetterPhrase.objects.update_or_create(
            kind=kind, phrase=phrase,
            defaults={"meaning_en": meaning_en, "advice": advice, "advice_en": advice_en},
        )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
