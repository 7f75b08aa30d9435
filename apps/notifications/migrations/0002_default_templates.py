"""The default wording of every notice: each event in Chinese and English, by SMS, e-mail and the portal.

Administrators edit these in the admin. The SMS provider template ids are placeholders
(`notice_<event>_<language>`): replace each with the id of the template approved at the provider,
whose text must match the SMS text here with the variables in the order given.
"""

from django.db import migrations

FOOTER = {
    "zh-hans": "\n\n撤回 Chehui\n此邮件由系统自动发送，请勿直接回复。如需联系客服，请在工单页面留言。",
    "en": "\n\nChehui\nThis e-mail was sent automatically; replies are not read. To reach customer service, "
    "write on your ticket's page.",
}
GREETING = {
    "zh-hans": "{% if requester_name %}{{ requester_name }}，{% endif %}您好：\n\n",
    "en": "Hello{% if requester_name %} {{ requester_name }}{% endif %},\n\n",
}

# event: {language: {"sms": (text, [variables]), "email": (subject, body), "portal": (title, body)}}
TEXTS = {
    "received": {
        "zh-hans": {
            "sms": ("您的撤诉申请{{ reference }}已受理，我们将尽快安排客服处理。", ["reference"]),
            "email": (
                "撤诉申请 {{ reference }} 已受理",
                "您就{{ platform }}投诉提交的撤诉申请 {{ reference }} 已于 {{ received_at }} 受理，"
                "我们将尽快安排客服处理，有进展会再通知您。\n\n查看进度：{{ portal_url }}",
            ),
            "portal": ("撤诉申请已受理", "您的撤诉申请 {{ reference }} 已于 {{ received_at }} 受理，客服将尽快处理。"),
        },
        "en": {
            "sms": ("Your withdrawal request {{ reference }} has been received. An agent will take it up shortly.",
                    ["reference"]),
            "email": (
                "Withdrawal request {{ reference }} received",
                "Your request {{ reference }} to withdraw your {{ platform }} complaint was received at "
                "{{ received_at }}. An agent will take it up shortly; we will tell you of every step.\n\n"
                "Follow it here: {{ portal_url }}",
            ),
            "portal": ("Request received",
                       "Your withdrawal request {{ reference }} was received at {{ received_at }}. "
                       "An agent will take it up shortly."),
        },
    },
    "received_at_night": {
        "zh-hans": {
            "sms": ("您的撤诉申请{{ reference }}已提交。现为非服务时间，将于{{ received_at }}开始受理。",
                    ["reference", "received_at"]),
            "email": (
                "撤诉申请 {{ reference }} 已提交，将于 {{ received_at }} 受理",
                "您于 {{ submitted_at }} 提交的撤诉申请 {{ reference }} 已收到。当时不在服务时间内，"
                "申请将于 {{ received_at }} 正式受理，处理时限从受理时起计算。\n\n"
                "您无需再做任何操作。查看进度：{{ portal_url }}",
            ),
            "portal": ("撤诉申请已提交，将于 {{ received_at }} 受理",
                       "您在服务时间外提交了撤诉申请 {{ reference }}，它将于 {{ received_at }} 正式受理。"),
        },
        "en": {
            "sms": ("Your withdrawal request {{ reference }} was sent outside service hours. "
                    "It will be received at {{ received_at }}.", ["reference", "received_at"]),
            "email": (
                "Withdrawal request {{ reference }} sent: received at {{ received_at }}",
                "We have your withdrawal request {{ reference }}, sent at {{ submitted_at }}. That was outside "
                "service hours, so it counts as received at {{ received_at }}, and its handling time runs "
                "from then.\n\nThere is nothing more you need to do. Follow it here: {{ portal_url }}",
            ),
            "portal": ("Request sent: received at {{ received_at }}",
                       "You sent withdrawal request {{ reference }} outside service hours. "
                       "It will be received at {{ received_at }}."),
        },
    },
    "assigned": {
        "zh-hans": {
            "sms": ("您的撤诉申请{{ reference }}已由客服专人跟进，有进展将再通知您。", ["reference"]),
            "email": (
                "撤诉申请 {{ reference }} 已有客服跟进",
                "您的撤诉申请 {{ reference }} 已由一位客服专人跟进。如需补充材料，客服会通知您。"
                "\n\n查看进度：{{ portal_url }}",
            ),
            "portal": ("客服已开始处理", "一位客服已开始处理您的撤诉申请 {{ reference }}。"),
        },
        "en": {
            "sms": ("An agent is now working on your withdrawal request {{ reference }}. We will tell you of "
                    "any progress.", ["reference"]),
            "email": (
                "An agent is working on withdrawal request {{ reference }}",
                "An agent has taken up your withdrawal request {{ reference }}. If anything more is needed "
                "from you, they will ask.\n\nFollow it here: {{ portal_url }}",
            ),
            "portal": ("An agent took your request", "An agent is now working on your withdrawal request {{ reference }}."),
        },
    },
    "evidence_requested": {
        "zh-hans": {
            "sms": ("您的撤诉申请{{ reference }}需要补充材料，请{{ due_by }}登录撤回Chehui查看并上传。",
                    ["reference", "due_by"]),
            "email": (
                "撤诉申请 {{ reference }} 需要补充材料",
                "客服需要您为撤诉申请 {{ reference }} 补充以下材料：\n\n{{ message }}\n\n"
                "{% if due_at %}请在 {{ due_at }} 前上传：投诉此后进入下一阶段，撤回的成功率会下降。"
                "{% else %}此项没有固定截止时间，但越早上传，撤回的成功率越高。{% endif %}"
                "\n\n上传材料：{{ portal_url }}",
            ),
            "portal": ("需要补充材料",
                       "{{ message }}\n\n{% if due_at %}请在 {{ due_at }} 前上传。"
                       "{% else %}没有固定截止时间，请尽早上传。{% endif %}"),
        },
        "en": {
            "sms": ("Your withdrawal request {{ reference }} needs more evidence. Please sign in to Chehui "
                    "{{ due_by }} to see what and upload it.", ["reference", "due_by"]),
            "email": (
                "Withdrawal request {{ reference }}: more evidence needed",
                "Customer service needs the following for your withdrawal request {{ reference }}:\n\n"
                "{{ message }}\n\n"
                "{% if due_at %}Please upload it by {{ due_at }}: after that the complaint moves to its next "
                "stage and a withdrawal is less likely to succeed.{% else %}There is no fixed date, but the "
                "sooner you upload it, the likelier a withdrawal succeeds.{% endif %}\n\n"
                "Upload it here: {{ portal_url }}",
            ),
            "portal": ("More evidence needed",
                       "{{ message }}\n\n{% if due_at %}Please upload it by {{ due_at }}."
                       "{% else %}There is no fixed date: the sooner, the better.{% endif %}"),
        },
    },
    "agent_message": {
        "zh-hans": {
            "sms": ("您的撤诉申请{{ reference }}有一条客服新消息，请登录撤回Chehui查看。", ["reference"]),
            "email": (
                "撤诉申请 {{ reference }}：客服给您留言",
                "{{ sender }}就撤诉申请 {{ reference }} 给您留言：\n\n{{ message }}\n\n回复请前往：{{ portal_url }}",
            ),
            "portal": ("客服给您留言", "{{ message|truncatechars:140 }}"),
        },
        "en": {
            "sms": ("There is a new message from customer service about your withdrawal request "
                    "{{ reference }}. Sign in to Chehui to read it.", ["reference"]),
            "email": (
                "Withdrawal request {{ reference }}: a message from customer service",
                "{{ sender }} wrote about your withdrawal request {{ reference }}:\n\n{{ message }}\n\n"
                "Reply here: {{ portal_url }}",
            ),
            "portal": ("A message from customer service", "{{ message|truncatechars:140 }}"),
        },
    },
    "approved": {
        "zh-hans": {
            "sms": ("您的撤诉申请{{ reference }}已通过，相关投诉已撤回。", ["reference"]),
            "email": (
                "撤诉申请 {{ reference }} 已通过",
                "您的撤诉申请 {{ reference }} 已通过审核，您在{{ platform }}上的投诉已撤回。"
                "{% if reason %}\n\n客服备注：{{ reason }}{% endif %}\n\n详情：{{ portal_url }}",
            ),
            "portal": ("撤诉申请已通过", "您的投诉已撤回。{% if reason %}客服备注：{{ reason }}{% endif %}"),
        },
        "en": {
            "sms": ("Your withdrawal request {{ reference }} was approved: the complaint is withdrawn.",
                    ["reference"]),
            "email": (
                "Withdrawal request {{ reference }} approved",
                "Your withdrawal request {{ reference }} was approved: your {{ platform }} complaint is "
                "withdrawn.{% if reason %}\n\nA note from customer service: {{ reason }}{% endif %}\n\n"
                "Details: {{ portal_url }}",
            ),
            "portal": ("Request approved",
                       "Your complaint is withdrawn.{% if reason %} Note: {{ reason }}{% endif %}"),
        },
    },
    "refused": {
        "zh-hans": {
            "sms": ("很遗憾，您的撤诉申请{{ reference }}未获通过。原因及其他解决途径请登录撤回Chehui查看。",
                    ["reference"]),
            "email": (
                "撤诉申请 {{ reference }} 未获通过",
                "很遗憾，您的撤诉申请 {{ reference }} 未获通过。\n\n原因：{{ reason }}\n\n"
                "您还可以考虑以下途径：\n{{ routes }}\n\n详情：{{ portal_url }}",
            ),
            "portal": ("撤诉申请未获通过", "原因：{{ reason }}\n\n其他途径：\n{{ routes }}"),
        },
        "en": {
            "sms": ("We are sorry: your withdrawal request {{ reference }} was refused. Sign in to Chehui for "
                    "the reason and the other routes open to you.", ["reference"]),
            "email": (
                "Withdrawal request {{ reference }} refused",
                "We are sorry: your withdrawal request {{ reference }} was refused.\n\nThe reason: {{ reason }}"
                "\n\nOther routes open to you:\n{{ routes }}\n\nDetails: {{ portal_url }}",
            ),
            "portal": ("Request refused", "The reason: {{ reason }}\n\nOther routes:\n{{ routes }}"),
        },
    },
    "routed": {
        "zh-hans": {
            "sms": ("您的撤诉申请{{ reference }}已转由{{ route }}处理，详情请登录撤回Chehui查看。",
                    ["reference", "route"]),
            "email": (
                "撤诉申请 {{ reference }} 已转至{{ route }}",
                "您的撤诉申请 {{ reference }} 更适合通过{{ route }}解决，客服已为您转交。"
                "{% if reason and reason != route %}\n\n说明：{{ reason }}{% endif %}\n\n详情：{{ portal_url }}",
            ),
            "portal": ("已转至{{ route }}", "您的申请已转由{{ route }}处理。{% if reason and reason != route %}说明：{{ reason }}{% endif %}"),
        },
        "en": {
            "sms": ("Your withdrawal request {{ reference }} was passed on to {{ route }}. Sign in to Chehui "
                    "for details.", ["reference", "route"]),
            "email": (
                "Withdrawal request {{ reference }} passed on to {{ route }}",
                "Your withdrawal request {{ reference }} is better settled through {{ route }}, so customer "
                "service has passed it on.{% if reason and reason != route %}\n\nWhy: {{ reason }}{% endif %}"
                "\n\nDetails: {{ portal_url }}",
            ),
            "portal": ("Passed on to {{ route }}",
                       "Your request was passed on to {{ route }}.{% if reason and reason != route %} "
                       "Why: {{ reason }}{% endif %}"),
        },
    },
    "about_to_expire": {
        "zh-hans": {
            "sms": ("您的撤诉申请{{ reference }}将于{{ expires_at }}到期，届时投诉将无法撤回。如需补充材料，请尽快登录撤回Chehui。",
                    ["reference", "expires_at"]),
            "email": (
                "撤诉申请 {{ reference }} 将于 {{ expires_at }} 到期",
                "您的撤诉申请 {{ reference }} 将于 {{ expires_at }}（约 {{ hours_left }} 小时后）到期，"
                "此后{{ platform }}投诉将无法撤回。\n\n如客服请您补充了材料，请尽快上传：{{ portal_url }}",
            ),
            "portal": ("将于 {{ expires_at }} 到期",
                       "约 {{ hours_left }} 小时后，投诉将无法撤回。如需补充材料，请尽快上传。"),
        },
        "en": {
            "sms": ("Your withdrawal request {{ reference }} runs out at {{ expires_at }}; after that the "
                    "complaint can no longer be withdrawn. If anything is asked of you, sign in to Chehui now.",
                    ["reference", "expires_at"]),
            "email": (
                "Withdrawal request {{ reference }} runs out at {{ expires_at }}",
                "Your withdrawal request {{ reference }} runs out at {{ expires_at }} (in about {{ hours_left }} "
                "hours); after that your {{ platform }} complaint can no longer be withdrawn.\n\n"
                "If customer service asked you for anything, upload it now: {{ portal_url }}",
            ),
            "portal": ("Runs out at {{ expires_at }}",
                       "In about {{ hours_left }} hours the complaint can no longer be withdrawn. "
                       "If anything is asked of you, upload it now."),
        },
    },
    "cooling_off": {
        "zh-hans": {
            "sms": ("您的投诉{{ complaint_number }}仍在冷静期内，{{ until }}前可自行撤销，无需审核。",
                    ["complaint_number", "until"]),
            "email": (
                "投诉 {{ complaint_number }} 可在 {{ until }} 前自行撤销",
                "您的投诉 {{ complaint_number }} 仍在冷静期内：{{ until }} 前您可以自行撤销，"
                "一步完成，无需客服审核。\n\n立即撤销：{{ cancel_url }}\n\n"
                "过了 {{ until }}，请继续填写撤诉申请 {{ reference }}。",
            ),
            "portal": ("{{ until }} 前可自行撤销投诉",
                       "投诉 {{ complaint_number }} 仍在冷静期内，{{ until }} 前可自行撤销，无需审核。"),
        },
        "en": {
            "sms": ("Your complaint {{ complaint_number }} is still in its cooling-off period: you can cancel it "
                    "yourself, with no review, until {{ until }}.", ["complaint_number", "until"]),
            "email": (
                "You can cancel complaint {{ complaint_number }} yourself until {{ until }}",
                "Your complaint {{ complaint_number }} is still in its cooling-off period: until {{ until }} "
                "you can cancel it yourself in one step, with no review by customer service.\n\n"
                "Cancel it now: {{ cancel_url }}\n\nAfter {{ until }}, carry on with withdrawal request "
                "{{ reference }}.",
            ),
            "portal": ("Cancel it yourself until {{ until }}",
                       "Complaint {{ complaint_number }} is still in its cooling-off period: you can cancel it "
                       "yourself, with no review, until {{ until }}."),
        },
    },
    "cooling_off_cancelled": {
        "zh-hans": {
            "sms": ("您的投诉{{ complaint_number }}已在冷静期内撤销，撤诉申请{{ reference }}随之关闭。",
                    ["complaint_number", "reference"]),
            "email": (
                "投诉 {{ complaint_number }} 已撤销",
                "您的投诉 {{ complaint_number }} 已在冷静期内撤销，无需再申请撤诉；"
                "撤诉申请 {{ reference }} 已随之关闭。",
            ),
            "portal": ("投诉已撤销", "投诉 {{ complaint_number }} 已在冷静期内撤销，撤诉申请 {{ reference }} 已关闭。"),
        },
        "en": {
            "sms": ("Your complaint {{ complaint_number }} is cancelled (cooling-off period); withdrawal request "
                    "{{ reference }} is closed.", ["complaint_number", "reference"]),
            "email": (
                "Complaint {{ complaint_number }} cancelled",
                "Your complaint {{ complaint_number }} was cancelled in its cooling-off period, so there is "
                "nothing left to withdraw; withdrawal request {{ reference }} is closed.",
            ),
            "portal": ("Complaint cancelled",
                       "Complaint {{ complaint_number }} was cancelled in its cooling-off period; "
                       "withdrawal request {{ reference }} is closed."),
        },
    },
}


def rows():
    for event, languages in TEXTS.items():
        for language, channels in languages.items():
            short = "zh" if language == "zh-hans" else "en"
            sms_text, sms_params = channels["sms"]
            yield {"event": event, "language": language, "channel": "sms", "subject": "", "body": sms_text,
                   "sms_template_code": f"notice_{event}_{short}", "sms_params": sms_params}
            subject, body = channels["email"]
            yield {"event": event, "language": language, "channel": "email", "subject": subject,
                   "body": GREETING[language] + body + FOOTER[language], "sms_template_code": "", "sms_params": []}
            title, text = channels["portal"]
            yield {"event": event, "language": language, "channel": "portal", "subject": title, "body": text,
                   "sms_template_code": "", "sms_params": []}


def create(apps, schema_editor):
    NoticeTemplate = apps.get_model("notifications", "NoticeTemplate")
    for row in rows():
        key = {name: row.pop(name) for name in ("event", "language", "channel")}
        NoticeTemplate.objects.update_or_create(**key, defaults=row)


def remove(apps, schema_editor):
    apps.get_model("notifications", "NoticeTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
