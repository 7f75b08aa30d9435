"""Identity checks (intake step 3): every attempt, passed or not, is recorded."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.crypto.fields import EncryptedTextField
from apps.policy.models import IdentityMethod


class IdentityVerificationAttempt(models.Model):
    """One call to a verification provider for one method (face, SMS code, payment password…)."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("passed")
        REJECTED = "rejected", _("rejected")
        ERROR = "error", _("provider error")

    ticket = models.ForeignKey(
        "tickets.WithdrawalTicket", on_delete=models.PROTECT, related_name="identity_attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    method = models.CharField(_("method"), max_length=24, choices=IdentityMethod.choices)
    provider = models.CharField(_("provider"), max_length=40)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason given"), max_length=200, blank=True)
    ip_address = EncryptedTextField(_("IP address"), null=True, blank=True)  # encrypted at rest
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)

    class Meta:
        ordering = ["attempted_at"]
        verbose_name = _("identity verification attempt")
        verbose_name_plural = _("identity verification attempts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["passed", "rejected", "error"]),
                name="identity_outcome_valid",
            ),
        ]
        indexes = [models.Index(fields=["ticket", "attempted_at"], name="identity_ticket_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.get_outcome_display()}"
