"""What each notice is about, the variables its templates may use, and a sample for the preview."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.notifications.rendering import Bilingual, ContextValue


class NoticeEvent(models.TextChoices):
    RECEIVED = "received", _("request received")
    RECEIVED_AT_NIGHT = "received_at_night", _("request sent outside service hours")
    ASSIGNED = "assigned", _("an agent took the request")
    EVIDENCE_REQUESTED = "evidence_requested", _("evidence asked for")
    AGENT_MESSAGE = "agent_message", _("message from customer service")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")
    ROUTED = "routed", _("sent to another route")
    ABOUT_TO_EXPIRE = "about_to_expire", _("about to expire")
    COOLING_OFF = "cooling_off", _("may still cancel the complaint alone")
    COOLING_OFF_CANCELLED = "cooling_off_cancelled", _("complaint cancelled in the cooling-off period")


class NoticeChannel(models.TextChoices):
    SMS = "sms", _("text message")
    EMAIL = "email", _("e-mail")
    PORTAL = "portal", _("portal notification list")


class NoticeLanguage(models.TextChoices):
    CHINESE = "zh-hans", "简体中文"
    ENGLISH = "en", "English"


def notice_language(preferred: str | None) -> str:
    """English for a requester who chose it; Chinese for everyone else."""
    return NoticeLanguage.ENGLISH if (preferred or "").startswith("en") else NoticeLanguage.CHINESE


# Every notice knows these.
COMMON_VARIABLES = ("reference", "requester_name", "platform", "portal_url")
VARIABLES: dict[str, tuple[str, ...]] = {
    NoticeEvent.RECEIVED: ("received_at",),
    NoticeEvent.RECEIVED_AT_NIGHT: ("submitted_at", "received_at"),
    NoticeEvent.ASSIGNED: (),
    NoticeEvent.EVIDENCE_REQUESTED: ("message", "due_at", "due_by"),
    NoticeEvent.AGENT_MESSAGE: ("message", "sender"),
    NoticeEvent.APPROVED: ("reason",),
    NoticeEvent.REFUSED: ("reason", "routes"),
    NoticeEvent.ROUTED: ("route", "reason"),
    NoticeEvent.ABOUT_TO_EXPIRE: ("expires_at", "hours_left"),
    NoticeEvent.COOLING_OFF: ("complaint_number", "until", "cancel_url"),
    NoticeEvent.COOLING_OFF_CANCELLED: ("complaint_number",),
}
# Links never go into a text message's variables: providers refuse them (isv.PARAM_NOT_SUPPORT_URL).
URL_VARIABLES = frozenset({"portal_url", "cancel_url"})


def variables_for(event: str) -> tuple[str, ...]:
    return COMMON_VARIABLES + VARIABLES.get(event, ())


SAMPLE_TIME_ZONE = ZoneInfo("Asia/Shanghai")
SAMPLE_ROUTES = Bilingual(
    zh="· 官方客服：1–5 个工作日，免费，成功率 37%\n· 第三方仲裁：7–14 天，¥800 起，成功率 79%",
    en="· Official customer service: 1–5 working days, free, 37% succeed\n"
    "· Third-party arbitration: 7–14 days, from ¥800, 79% succeed",
)


def sample_context(event: str) -> dict[str, ContextValue]:
    """A fixed example of what `event` is told with, for the admin's preview."""
    tz = SAMPLE_TIME_ZONE
    moment = datetime(2026, 12, 5, 9, 0, tzinfo=tz)
    values: dict[str, ContextValue] = {
        "reference": "CH-7KQ2-MX9A",
        "requester_name": Bilingual(zh="张伟", en="Zhang Wei"),
        "platform": Bilingual(zh="微信", en="WeChat"),
        "portal_url": "https://chehui.example/tickets/CH-7KQ2-MX9A/",
        "received_at": moment,
        "submitted_at": datetime(2026, 12, 4, 22, 10, tzinfo=tz),
        "message": Bilingual(
            zh="请上传双方和解协议的扫描件（PDF）。",
            en="Please upload the signed settlement agreement as a PDF.",
        ),
        "due_at": datetime(2026, 12, 5, 20, 30, tzinfo=tz),
        "due_by": Bilingual(zh="12月5日 20:30前", en="by 5 Dec 20:30"),
        "sender": Bilingual(zh="客服", en="Customer service"),
        "reason": Bilingual(
            zh="证据不足以证明双方已和解。", en="The evidence does not show that you have settled."
        ),
        "routes": SAMPLE_ROUTES,
        "route": Bilingual(zh="平台调解委员会", en="the platform's mediation committee"),
        "expires_at": datetime(2026, 12, 5, 11, 0, tzinfo=tz),
        "hours_left": "2",
        "complaint_number": "WX2026112400000001",
        "until": time(10, 5),
        "cancel_url": "https://chehui.example/cancel/",
    }
    return {name: values.get(name, "") for name in variables_for(event)}
