"""Every event in both languages goes out on every channel from its seeded template, with the right words."""

import pytest

from apps.notifications.catalog import NoticeEvent, sample_context
from apps.notifications.models import NoticeTemplate, RequesterNotice
from apps.outbound.models import Channel, OutboundMessage
from tests.notifications.conftest import ADDRESS, PHONE, notify

pytestmark = pytest.mark.django_db

# Words each notice must carry, per language: (portal title, SMS, e-mail body).
EXPECTED = {
    ("received", "zh-hans"): ("撤诉申请已受理", "已受理", "12月5日 09:00 受理"),
    ("received", "en"): ("Request received", "has been received", "received at 5 Dec 09:00"),
    ("received_at_night", "zh-hans"): (
        "将于 12月5日 09:00 受理",
        "将于12月5日 09:00开始受理",
        "12月4日 22:10 提交",
    ),
    ("received_at_night", "en"): (
        "received at 5 Dec 09:00",
        "received at 5 Dec 09:00",
        "sent at 4 Dec 22:10",
    ),
    ("assigned", "zh-hans"): ("客服已开始处理", "专人跟进", "客服专人跟进"),
    ("assigned", "en"): ("An agent took your request", "An agent is now working", "An agent has taken up"),
    ("evidence_requested", "zh-hans"): ("需要补充材料", "请12月5日 20:30前登录", "和解协议的扫描件"),
    ("evidence_requested", "en"): ("More evidence needed", "by 5 Dec 20:30", "settlement agreement"),
    ("agent_message", "zh-hans"): ("客服给您留言", "有一条客服新消息", "和解协议的扫描件"),
    ("agent_message", "en"): ("A message from customer service", "new message", "settlement agreement"),
    ("approved", "zh-hans"): ("撤诉申请已通过", "已通过", "投诉已撤回"),
    ("approved", "en"): ("Request approved", "was approved", "complaint is withdrawn"),
    ("refused", "zh-hans"): ("撤诉申请未获通过", "未获通过", "第三方仲裁：7–14 天，¥800 起，成功率 79%"),
    ("refused", "en"): (
        "Request refused",
        "was refused",
        "Third-party arbitration: 7–14 days, from ¥800, 79% succeed",
    ),
    ("routed", "zh-hans"): ("已转至平台调解委员会", "已转由平台调解委员会处理", "平台调解委员会"),
    ("routed", "en"): (
        "Passed on to the platform's mediation committee",
        "passed on to the platform's",
        "settled through the platform's mediation committee",
    ),
    ("about_to_expire", "zh-hans"): ("将于 12月5日 11:00 到期", "将于12月5日 11:00到期", "约 2 小时后"),
    ("about_to_expire", "en"): ("Runs out at 5 Dec 11:00", "runs out at 5 Dec 11:00", "in about 2 hours"),
    ("cooling_off", "zh-hans"): (
        "10:05 前可自行撤销投诉",
        "10:05前可自行撤销",
        "https://chehui.example/cancel/",
    ),
    ("cooling_off", "en"): (
        "Cancel it yourself until 10:05",
        "until 10:05",
        "https://chehui.example/cancel/",
    ),
    ("cooling_off_cancelled", "zh-hans"): (
        "投诉已撤销",
        "已在冷静期内撤销",
        "WX2026112400000001 已在冷静期内撤销",
    ),
    ("cooling_off_cancelled", "en"): (
        "Complaint cancelled",
        "is cancelled",
        "was cancelled in its cooling-off period",
    ),
}


def test_every_event_has_a_template_in_each_language_and_channel():
    seeded = set(NoticeTemplate.objects.values_list("event", "language", "channel"))
    assert seeded == {
        (event, language, channel)
        for event in NoticeEvent.values
        for language in ("zh-hans", "en")
        for channel in ("sms", "email", "portal")
    }
    assert {(event, language) for event, language, _channel in seeded} == set(EXPECTED)


@pytest.mark.parametrize(
    ("event", "language"), sorted(EXPECTED), ids=[f"{e}-{lang}" for e, lang in sorted(EXPECTED)]
)
def test_a_notice_goes_out_on_every_channel_in_the_requesters_language(
    event, language, ticket, requester, now
):
    requester.preferred_language = language
    requester.save(update_fields=["preferred_language"])
    title, in_sms, in_email = EXPECTED[(event, language)]

    notified = notify(
        ticket,
        now("2026-11-24 10:00"),
        event=event,
        key=f"test:{event}",
        context=sample_context(event) | {"reference": ticket.reference},
    )

    notice = RequesterNotice.objects.get(ticket=ticket)
    assert (notice.event, notice.requester) == (event, requester)
    assert title in notice.title
    assert notice.body and "{" not in notice.title + notice.body
    sms = OutboundMessage.objects.get(channel=Channel.SMS, ticket=ticket)
    email = OutboundMessage.objects.get(channel=Channel.EMAIL, ticket=ticket)
    assert {message.pk for message in notified.messages} == {sms.pk, email.pk}
    assert (sms.recipient, sms.language, sms.event) == (PHONE, language, event)
    assert in_sms in sms.body and "{" not in sms.body
    assert "http" not in sms.body and "http" not in "".join(sms.sms_values.values())  # no links in texts
    template = NoticeTemplate.objects.get(event=event, language=language, channel="sms")
    assert sms.sms_template == template.sms_template_code
    # In the template's order: Tencent fills {1}, {2} by position.
    assert list(sms.sms_values) == list(template.sms_params) and all(sms.sms_values.values())
    assert (email.recipient, email.language) == (ADDRESS, language)
    assert ticket.reference in email.subject + email.body or event.startswith("cooling_off")
    assert in_email in email.body and "{" not in email.subject + email.body
    if event == "agent_message":  # the message itself is quoted by e-mail, never texted
        assert in_email not in sms.body and in_email not in "".join(sms.sms_values.values())
