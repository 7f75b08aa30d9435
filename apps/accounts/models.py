"""People: requesters, agents and supervisors, and the teams agents work in."""

from collections.abc import Collection
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.crypto.fields import (
    EncryptedTextField,
    HashedFieldsMixin,
    HashedFieldsQuerySet,
    KeyedHashField,
)
from apps.core.crypto.hashing import lookup_hashes


class UserManager(DjangoUserManager.from_queryset(HashedFieldsQuerySet)):  # type: ignore[misc]
    """Django's user manager; `update(phone=…)` also updates the number's hashes."""

    use_in_migrations = True


class User(HashedFieldsMixin, AbstractUser):
    """Anyone who signs in. Requesters sign in by mobile number; staff by user name.

    The number is encrypted at rest: sign-in finds it by `phone_hash`, the workspace's search by
    `phone_last4_hash` (keyed hashes, see apps/core/crypto), both set whenever the number is saved.
    """

    phone = EncryptedTextField(
        _("mobile number"), max_length=20, null=True, blank=True,
        help_text=_("Mainland mobile number, e.g. 13800138000. Personal data: shown masked."),
    )
    phone_hash = KeyedHashField(_("mobile number hash"), source="phone", purpose="phone", unique=True)
    phone_last4_hash = KeyedHashField(
        _("hash of the mobile number's last four digits"), source="phone", purpose="phone_last4",
        db_index=True,
    )
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, default="zh-hans",
        choices=[("zh-hans", "简体中文"), ("en", "English")],
    )

    objects: ClassVar[UserManager] = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def validate_unique(self, exclude: Collection[str] | None = None) -> None:
        """Refuse a number another user has, as `unique=True` did before it was encrypted."""
        super().validate_unique(exclude=exclude)
        if self.phone and "phone" not in (exclude or ()):
            hashes = lookup_hashes("phone", self.phone)
            if User.objects.filter(phone_hash__in=hashes).exclude(pk=self.pk).exists():
                raise ValidationError({"phone": _("A user with this mobile number already exists.")})

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


class SmsChallenge(HashedFieldsMixin, models.Model):
    """One verification code sent by SMS; only a keyed hash of the code is kept.

    The rows are also the record the rate limits and the lock-out are computed from: by the keyed
    hashes of the number and the address, which are themselves encrypted at rest.
    """

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", _("sign-in")

    phone = EncryptedTextField(_("mobile number"), max_length=20)
    phone_hash = KeyedHashField(_("mobile number hash"), source="phone", purpose="phone")
    code_hash = models.CharField(_("code hash"), max_length=64, editable=False)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.SIGN_IN)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(
        _("wrong tries"), default=0, help_text=_("Wrong codes entered against this challenge."),
    )
    consumed_at = models.DateTimeField(_("used at"), null=True, blank=True)
    ip_address = EncryptedTextField(_("IP address"), null=True, blank=True)
    ip_hash = KeyedHashField(_("IP address hash"), source="ip_address", purpose="ip")
    phone_locked_until = models.DateTimeField(
        _("number locked until"), null=True, blank=True,
        help_text=_("Set when a wrong code here was one too many: the number may not sign in until then."),
    )

    objects = HashedFieldsQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        indexes = [
            models.Index(fields=["phone_hash", "created_at"], name="sms_phone_hash_time_idx"),
            models.Index(fields=["ip_hash", "created_at"], name="sms_ip_hash_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"
