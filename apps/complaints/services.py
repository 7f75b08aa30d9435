"""Writes of complaints: record a platform's complaint so a withdrawal can be asked for it."""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.complaints.models import Complaint
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.intake.services import complaint_number_check
from apps.policy.models import ComplaintType, Platform
from apps.sla.selectors import localized

logger = logging.getLogger(__name__)
DUPLICATE_NUMBER = "duplicate_number"


def complaint_create(
    *,
    platform: Platform,
    number: str,
    complaint_type: ComplaintType,
    complainant_name: str,
    respondent: str,
    filed_at: datetime,
    summary: str = "",
    actor_label: str = "",
) -> Complaint:
    """Record a complaint as the platform holds it; its number has the platform's format, once per platform.

    Raises ApplicationError: a number in another format (saying what it looks like), a filing
    time in the future or without a time zone, or a number the platform already has (code
    "duplicate_number", with the existing complaint's number).
    """
    normalized = complaint_number_check(platform=platform, number=number)
    fields: dict[str, list[str]] = {}
    if timezone.is_naive(filed_at):
        fields["filed_at"] = [_("Give the time with its offset, e.g. 2026-11-24T20:00:00+08:00.")]
    elif filed_at > clock.now():
        fields["filed_at"] = [_("The complaint cannot be filed in the future.")]
    if not complainant_name.strip():
        fields["complainant_name"] = [_("This field is required.")]
    if not respondent.strip():
        fields["respondent"] = [_("This field is required.")]
    if fields:
        raise ApplicationError(_("Check the highlighted fields."), extra={"fields": fields})
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                platform=platform,
                number=normalized,
                complaint_type=complaint_type,
                complainant_name=complainant_name.strip(),
                respondent=respondent.strip(),
                summary=summary.strip(),
                filed_at=filed_at,
            )
    except IntegrityError:
        message = _("%(platform)s already has a complaint with the number %(number)s.") % {
            "platform": localized(platform, "name"),
            "number": normalized,
        }
        raise ApplicationError(
            message, extra={"code": DUPLICATE_NUMBER, "fields": {"number": [message]}}
        ) from None
    logger.info("Complaint %s of %s recorded by %s", complaint.pk, platform.code, actor_label or "-")
    return complaint
