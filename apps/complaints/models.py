"""The original complaints (投诉) that requesters ask to withdraw."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("open")
    FROZEN = "frozen", _("frozen")
    CANCELLED = "cancelled", _("cancelled in the cooling-off period")
    WITHDRAWN = "withdrawn", _("withdrawn")
    CLOSED = "closed", _("closed by the platform")


class Complaint(models.Model):
    """A complaint as the platform holds it: number, type, who complained about whom, and when."""

    platform = models.ForeignKey(
        "policy.Platform", on_delete=models.PROTECT, related_name="complaints",
        verbose_name=_("platform"),
    )
    number = models.CharField(_("complaint number"), max_length=64)
    complaint_type = models.ForeignKey(
        "policy.ComplaintType", on_delete=models.PROTECT, related_name="complaints",
        verbose_name=_("complaint type"),
    )
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints",
        null=True, blank=True, verbose_name=_("complainant (account)"),
    )
    complainant_name = models.CharField(_("complainant"), max_length=100)
    respondent = models.CharField(_("respondent"), max_length=200)
    summary = models.TextField(_("what the complaint says"), blank=True)
    filed_at = models.DateTimeField(_("filed at"))
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "number"], name="complaint_number_unique_per_platform"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ComplaintStatus.values), name="complaint_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ComplaintStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="complaint_cancelled_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["number"], name="complaint_number_idx"),
            models.Index(fields=["filed_at"], name="complaint_filed_at_idx"),
        ]

    def __str__(self) -> str:
        return self.number
