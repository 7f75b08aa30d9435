"""The agent workspace's own rows: editable refusal replies and in-app notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("phone call")
    SMS = "sms", _("text message")
    EMAIL = "email", _("e-mail")
    IN_APP = "in_app", _("in-app message")
    OTHER = "other", _("other")


class ReplyTemplate(models.Model):
    """A refusal reply agents pick from, in both languages; supervisors edit the wording."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title (Chinese)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=100)
    body = models.TextField(_("reply (Chinese)"))
    body_en = models.TextField(_("reply (English)"))
    active = models.BooleanField(_("offered to agents"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("refusal reply template")
        verbose_name_plural = _("refusal reply templates")

    def __str__(self) -> str:
        return self.title_en if (get_language() or "").startswith("en") and self.title_en else self.title

    def body_for(self, language: str | None) -> str:
        """The reply in `language` (a requester's preferred language): English or Chinese."""
        return self.body_en if (language or "").startswith("en") and self.body_en else self.body


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("ticket assigned to you")
    REQUESTER_REPLIED = "requester_replied", _("requester replied")
    REQUESTER_MESSAGE = "requester_message", _("requester wrote")
    DEADLINE_SOON = "deadline_soon", _("deadline within the hour")
    BREACHED = "breached", _("deadline passed")


class Notification(models.Model):
    """One in-app notice to one staff member about one ticket; e-mailed after commit when asked."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    ticket = models.ForeignKey(
        "tickets.WithdrawalTicket",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("ticket"),
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    dedupe_key = models.CharField(
        _("idempotency key"),
        max_length=160,
        help_text=_("One notice per key: a retried job or a repeated deadline check lands once."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="notification_dedupe_key_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            models.Index(
                fields=["recipient"], name="notification_unread_idx", condition=Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.ticket_id}"
