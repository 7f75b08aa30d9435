"""A fresh demo complaint, filed now, that the cooling-off lane can still cancel.

The seeded complaint for the cooling-off lane is minutes old only right after `seed_demo`; a
newcomer who arrives later files a new one here (`manage.py demo_complaint`, or the demo button
on the portal's cancel page when DEMO_TOOLS is on).
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apps.accounts.models import User
from apps.complaints.models import Complaint, ComplaintStatus
from apps.core.demo.words import BRANDS, FRESH_RESPONDENT, GIVEN_NAMES, SUMMARIES, SUMMARY_FALLBACK
from apps.core.errors import ApplicationError
from apps.policy.models import ComplaintType, Platform, PolicySettings

DEMO_PLATFORM = "wechat"
DEMO_TYPE = "account_violation"  # low risk by default: cancellable in one step
NUMBER_TRIES = 20


@dataclass(frozen=True)
class FreshComplaint:
    complaint: Complaint
    cancel_until: datetime  # in the policy's time zone


def demo_complaint_file(*, requester: User, now: datetime) -> FreshComplaint:
    """File a low-risk complaint of `requester`'s, dated `now`, for the cooling-off lane to cancel."""
    settings = PolicySettings.objects.get()
    platform = (
        Platform.objects.filter(code=DEMO_PLATFORM, is_active=True).first()
        or Platform.objects.filter(is_active=True).order_by("order", "code").first()
    )
    kind = (
        ComplaintType.objects.filter(code=DEMO_TYPE, low_risk=True).first()
        or ComplaintType.objects.filter(low_risk=True).order_by("order", "code").first()
    )
    if platform is None or kind is None:
        raise ApplicationError(
            "No active platform or no low-risk complaint type in the policy: a fresh demo complaint "
            "needs both (run migrate, then mark a complaint type low risk in the admin)."
        )
    tz = ZoneInfo(settings.time_zone)
    complaint = Complaint.objects.create(
        platform=platform, number=_free_number(platform, now, tz),
        complaint_type=kind, complainant=requester,
        complainant_name=requester.display_name or requester.get_username(),
        respondent=FRESH_RESPONDENT.format(brand=secrets.choice(BRANDS), given=secrets.choice(GIVEN_NAMES)),
        summary=SUMMARIES.get(kind.code, SUMMARY_FALLBACK)[0], filed_at=now, status=ComplaintStatus.OPEN,
    )
    return FreshComplaint(complaint, (now + timedelta(minutes=settings.cooling_off_minutes)).astimezone(tz))


def _free_number(platform: Platform, now: datetime, tz: ZoneInfo) -> str:
    """A number in the platform's format (prefix, filing minute, random digits) not yet on file."""
    shape = re.fullmatch(r"([A-Za-z]*)(\d+)", platform.complaint_number_example)
    if shape is None:
        raise ApplicationError(
            f"Cannot make a demo complaint number for {platform.code}: its example "
            f"{platform.complaint_number_example!r} is not letters followed by digits."
        )
    prefix, digits = shape.group(1), len(shape.group(2))
    stamp = now.astimezone(tz).strftime("%Y%m%d%H%M")[:digits]
    for _ in range(NUMBER_TRIES):
        number = prefix + stamp + "".join(secrets.choice("0123456789") for _ in range(digits - len(stamp)))
        if not re.fullmatch(platform.complaint_number_pattern, number):
            raise ApplicationError(
                f"Demo complaint number {number} does not match {platform.code}'s pattern "
                f"{platform.complaint_number_pattern}: update the platform's example to match it."
            )
        if not Complaint.objects.filter(platform=platform, number=number).exists():
            return number
    raise ApplicationError("Could not find a free demo complaint number: try again in a minute.")
