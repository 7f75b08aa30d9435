"""Personal data under the PIPL: how long each kind is kept, requesters' erasure requests and exports,
and the record of every erasure (what and how many, never the values).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

DAYS_A_YEAR = 365  # a period of whole years reads as years (with its days beside them)

# At least a day: a ticket's data is never erased while it may still be reopened the same day; at most
# ten years, past anything a dispute or an audit could ask for.
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 3650


class DataKind(models.TextChoices):
    IDENTITY_ATTEMPTS = "identity_attempts", _("identity-check attempts")
    IP_DEVICE = "ip_device", _("IP addresses and device data")
    PHONE_NUMBERS = "phone_numbers", _("phone numbers")
    EVIDENCE_FILES = "evidence_files", _("evidence files")
    LETTERS_MESSAGES = "letters_messages", _("letters and messages")


class RetentionPolicy(models.Model):
    """How long one kind of personal data is kept once its ticket is closed; an administrator edits it."""

    kind = models.CharField(_("kind of data"), max_length=24, choices=DataKind.choices, unique=True)
    days = models.PositiveIntegerField(
        _("kept for (days)"),
        validators=[MinValueValidator(MIN_RETENTION_DAYS), MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text=_("Counted from the ticket's closing (sign-in codes: from their sending)."),
    )
    reason = models.TextField(_("why this long"), blank=True)
    done_through = models.DateTimeField(
        _("erased through"), null=True, blank=True, editable=False,
        help_text=_("Tickets closed up to this moment have had this kind erased; the next run starts here."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=MIN_RETENTION_DAYS) & Q(days__lte=MAX_RETENTION_DAYS),
                name="retention_days_in_range",
            ),
            models.CheckConstraint(condition=Q(kind__in=DataKind.values), name="retention_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days}"

    def period_label(self) -> str:
        """The period as a person reads it: whole years as years with the exact days beside them."""
        if self.days % DAYS_A_YEAR == 0:
            years = self.days // DAYS_A_YEAR
            return ngettext(
                "%(years)s year (%(days)s days)", "%(years)s years (%(days)s days)", years
            ) % {"years": years, "days": self.days}
        return ngettext("%(days)s day", "%(days)s days", self.days) % {"days": self.days}


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", _("waiting for a supervisor")
    APPROVED = "approved", _("approved, being erased")
    REJECTED = "rejected", _("rejected")
    DONE = "done", _("erased")


class ErasureRequest(models.Model):
    """A requester asks that the personal data of some of their closed tickets be erased now."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure_requests",
        verbose_name=_("requester"),
    )
    tickets = models.ManyToManyField(
        "tickets.WithdrawalTicket", related_name="erasure_requests", verbose_name=_("tickets")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ErasureStatus.choices, default=ErasureStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason for the decision"), blank=True)
    done_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ErasureStatus.values), name="erasure_status_valid"),
            models.CheckConstraint(
                condition=Q(status=ErasureStatus.REQUESTED)
                | Q(decided_at__isnull=False, decided_by__isnull=False),
                name="erasure_decision_has_who_and_when",
            ),
        ]
        indexes = [
            models.Index(fields=["requested_at"], name="erasure_pending_idx",
                         condition=Q(status="requested")),
            models.Index(fields=["decided_at"], name="erasure_decided_idx",
                         condition=Q(decided_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"


class ErasureTrigger(models.TextChoices):
    RETENTION = "retention", _("retention period passed")
    REQUEST = "request", _("requester's erasure request")


class ErasureRun(models.Model):
    """One erasure of one kind of data: how many rows of which tables changed. Never the values."""

    kind = models.CharField(_("kind of data"), max_length=24, choices=DataKind.choices)
    trigger = models.CharField(_("why"), max_length=12, choices=ErasureTrigger.choices)
    request = models.ForeignKey(
        ErasureRequest, on_delete=models.PROTECT, related_name="runs", null=True, blank=True,
        verbose_name=_("erasure request"),
    )
    rows_affected = models.PositiveIntegerField(_("rows erased or anonymised"), default=0)
    tables = models.JSONField(_("rows per table"), default=dict, blank=True)
    tickets = models.PositiveIntegerField(_("tickets looked at"), default=0)
    cutoff = models.DateTimeField(_("closed up to"), null=True, blank=True)
    ran_at = models.DateTimeField(_("ran at"), db_index=True)

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = _("erasure run")
        verbose_name_plural = _("erasure runs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.rows_affected}"


class DataExport(models.Model):
    """A requester downloaded everything Chehui holds about them: who, when and how big, for the report."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_exports",
        verbose_name=_("requester"),
    )
    created_at = models.DateTimeField(_("downloaded at"), db_index=True)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    tickets = models.PositiveIntegerField(_("tickets"))
    files = models.PositiveIntegerField(_("files"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("personal-data export")
        verbose_name_plural = _("personal-data exports")

    def __str__(self) -> str:
        return f"{self.requester} {self.created_at:%Y-%m-%d %H:%M}"
