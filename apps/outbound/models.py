"""The outbox: one row per message to a person outside Chehui, written with what caused it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("text message")
    EMAIL = "email", _("e-mail")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


# The rows a delivery or the catch-up may still pick up; the partial index holds only these.
IN_FLIGHT = (MessageStatus.QUEUED, MessageStatus.SENDING)


class OutboundMessage(models.Model):
    """One SMS or e-mail to one recipient, delivered by Celery after the writing transaction commits.

    `dedupe_key` is unique: enqueueing twice (a retried job, a double click) leaves one row.
    While `sending`, `next_attempt_at` is the end of the worker's lease; after it, the catch-up
    hands the row to another worker (the first one died mid-send).
    """

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    ticket = models.ForeignKey(
        "tickets.WithdrawalTicket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_messages",
        verbose_name=_("ticket"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_messages",
        verbose_name=_("requester"),
    )
    event = models.CharField(_("event"), max_length=40)
    language = models.CharField(_("language"), max_length=16)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML text"), blank=True)
    sms_template = models.CharField(_("SMS template id"), max_length=64, blank=True)
    sms_params = models.JSONField(
        _("SMS template values"), default=list, blank=True,
        help_text=_("[name, value] pairs in the template's order."),
    )
    dedupe_key = models.CharField(
        _("idempotency key"),
        max_length=160,
        help_text=_("One message per key: enqueueing it again returns the message already written."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    provider = models.CharField(_("message provider"), max_length=32, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="outbound_dedupe_key_unique"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="outbound_channel_valid"),
            models.CheckConstraint(
                condition=Q(status__in=MessageStatus.values), name="outbound_status_valid"
            ),
        ]
        indexes = [
            # The catch-up's scan: only rows still to send are in it, so it stays small.
            models.Index(
                fields=["next_attempt_at"], name="outbound_due_idx", condition=Q(status__in=IN_FLIGHT)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.event} ({self.get_status_display()})"

    @property
    def sms_values(self) -> dict[str, str]:
        """The SMS template values in the template's order."""
        return sms_params_in_order(self.sms_params)


def sms_params_in_order(stored: object) -> dict[str, str]:
    """The values as written: a list of [name, value] pairs (a dict in rows older than that)."""
    if isinstance(stored, dict):
        return {str(name): str(value) for name, value in stored.items()}
    if isinstance(stored, list):
        pairs = [pair for pair in stored if isinstance(pair, list | tuple) and len(pair) == 2]
        return {str(name): str(value) for name, value in pairs}
    return {}
