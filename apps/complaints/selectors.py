"""Reads of complaints."""

from apps.complaints.models import Complaint
from apps.intake.services import complaint_number_normalize
from apps.policy.models import Platform


def complaint_get_by_number(*, platform: Platform, number: str) -> Complaint | None:
    """The platform's complaint with this number, as people copy it (spaces and dashes ignored)."""
    normalized = complaint_number_normalize(number)
    if not normalized:
        return None
    return (
        Complaint.objects.select_related("platform", "complaint_type")
        .filter(platform=platform, number=normalized)
        .first()
    )
