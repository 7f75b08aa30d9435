"""People: requesters, agents and supervisors, and the teams agents work in."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Anyone who signs in. Requesters sign in by mobile number; staff by user name."""

    phone = models.CharField(
        _("mobile number"), max_length=20, unique=True, null=True, blank=True,
        help_text=_("Mainland mobile number, e.g. 13800138000. Personal data: shown masked."),
    )
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, default="zh-hans",
        choices=[("zh-hans", "简体中文"), ("en", "English")],
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Team(models.Model):
    """A group of agents; the queue's "my team" view and supervisors' reports follow it."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    supervisor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="supervised_teams",
        verbose_name=_("supervisor"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    """What an agent handles: auto-assignment and queue visibility follow platforms and types."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="agent_profile")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="agents", null=True, blank=True,
        verbose_name=_("team"),
    )
    platforms = models.ManyToManyField(
        "policy.Platform", related_name="agents", blank=True, verbose_name=_("platforms handled")
    )
    complaint_types = models.ManyToManyField(
        "policy.ComplaintType", related_name="agents", blank=True,
        verbose_name=_("complaint types handled"),
    )
    max_open_tickets = models.PositiveIntegerField(
        _("most open tickets at once"), default=40,
        help_text=_("Auto-assignment skips an agent who holds this many open tickets."),
    )
    accepts_assignments = models.BooleanField(_("accepts new assignments"), default=True)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.team or '-'})"


class SmsChallenge(models.Model):
    """One verification code sent by SMS; only a keyed hash of the code is kept.

    The rows are also the record the rate limits and the lock-out are computed from.
    """

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", _("sign-in")

    phone = models.CharField(_("mobile number"), max_length=20)
    code_hash = models.CharField(_("code hash"), max_length=64, editable=False)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.SIGN_IN)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(
        _("wrong tries"), default=0, help_text=_("Wrong codes entered against this challenge."),
    )
    consumed_at = models.DateTimeField(_("used at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    phone_locked_until = models.DateTimeField(
        _("number locked until"), null=True, blank=True,
        help_text=_("Set when a wrong code here was one too many: the number may not sign in until then."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        indexes = [
            models.Index(fields=["phone", "created_at"], name="sms_phone_time_idx"),
            models.Index(fields=["ip_address", "created_at"], name="sms_ip_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"
