"""Integrations: who calls the API (keys, scopes, platforms), replayable writes, and webhooks."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.integrations import keys

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.policy.models import Platform


class Integration(models.Model):
    """Another system (a platform, a CRM) that drives Chehui through the API and hears webhooks."""

    name = models.CharField(_("name"), max_length=100)
    platforms = models.ManyToManyField(
        "policy.Platform", related_name="integrations", verbose_name=_("platforms"),
        help_text=_("The platforms whose complaints and tickets this integration may act on."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Turned off, its keys are refused and its webhooks stop."),
    )
    contact_email = models.EmailField(_("technical contact"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        constraints = [models.UniqueConstraint(fields=["name"], name="integration_name_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def actor_label(self) -> str:
        """How the ticket event log names changes this integration made."""
        return f"api:{self.name}"[:100]

    def platforms_known(self, platforms: Iterable["Platform"]) -> None:
        """Keep the platforms read along with this instance: `platform_ids` and `known_platform`
        then ask nothing."""
        self._platforms_by_code = {platform.code: platform for platform in platforms}
        self._platform_ids = frozenset(platform.pk for platform in self._platforms_by_code.values())

    def service_user_known(self, user: "User") -> None:
        """Keep the service user read along with this instance (apps.api.services asks for it)."""
        self._service_user = user

    def known_service_user(self) -> "User | None":
        return getattr(self, "_service_user", None)

    def known_platform(self, code: str) -> "Platform | None":
        """One of its platforms by code, if they were read along with this instance."""
        known: dict[str, Platform] = getattr(self, "_platforms_by_code", {})
        return known.get(code)

    def platform_ids(self) -> frozenset[int]:
        """The platforms it may act for, read once per instance (one instance per request)."""
        cached: frozenset[int] | None = getattr(self, "_platform_ids", None)
        if cached is None:
            cached = frozenset(self.platforms.values_list("pk", flat=True))
            self._platform_ids = cached
        return cached


class ApiKey(models.Model):
    """One secret an integration authenticates with; stored as a keyed hash, shown once."""

    integration = models.ForeignKey(
        Integration, on_delete=models.PROTECT, related_name="api_keys", verbose_name=_("integration"),
    )
    label = models.CharField(_("label"), max_length=100, blank=True, help_text=_("Where it is used."))
    prefix = models.CharField(_("key prefix"), max_length=24, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("created by"), editable=False, db_index=False,
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [models.UniqueConstraint(fields=["prefix"], name="apikey_prefix_unique")]

    def __str__(self) -> str:
        return self.masked

    @property
    def masked(self) -> str:
        return f"{self.prefix}_{'•' * 6}"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class IdempotencyStatus(models.TextChoices):
    PROCESSING = "processing", _("processing")
    COMPLETED = "completed", _("completed")


class IdempotencyRecord(models.Model):
    """The first response to a write sent with an Idempotency-Key, replayed to its retries."""

    owner = models.CharField(_("owner"), max_length=40, help_text=_("key:<id> or user:<id>"))
    key = models.CharField(_("idempotency key"), max_length=255)
    method = models.CharField(_("HTTP method"), max_length=10)
    path = models.CharField(_("URL path"), max_length=500)
    request_sha256 = models.CharField(_("request fingerprint"), max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=IdempotencyStatus.choices, default=IdempotencyStatus.PROCESSING
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    response_headers = models.JSONField(_("response headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key", "method", "path"], name="idempotency_once_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class WebhookSubscription(models.Model):
    """Where to POST an integration's ticket events, for the kinds it chose."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="webhook_subscriptions",
        verbose_name=_("integration"),
    )
    url = models.URLField(_("receiver URL"), max_length=500)
    event_kinds = models.JSONField(_("event kinds"), default=list)
    # The signing secret is derived from this salt and the server's secret key, never stored:
    # a leaked database or backup alone cannot forge a delivery.
    secret_salt = models.CharField(max_length=32, default=keys.webhook_salt_new, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["integration", "url"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SUCCEEDED = "succeeded", _("delivered")
    FAILED = "failed", _("failed")


class WebhookDelivery(models.Model):
    """One ticket event for one subscription: what was sent, when to try next, what came back."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("subscription"), db_index=False,
    )
    event = models.ForeignKey(
        "tickets.TicketEvent", on_delete=models.PROTECT, related_name="+", verbose_name=_("event"),
    )
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claims = models.PositiveSmallIntegerField(
        _("claims"), default=0, db_default=0, editable=False,
        help_text=_("Times a worker took it to send. More than its attempts when a worker stopped or lost "
                    "the database before it could record the answer; bounded, so such a delivery ends."),
    )
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    locked_until = models.DateTimeField(
        _("being sent until"), null=True, blank=True, editable=False,
        help_text=_("Set while a worker sends it, so no second worker sends it at the same time."),
    )
    dispatched_at = models.DateTimeField(
        _("queued at"), null=True, blank=True, editable=False,
        help_text=_("When a task was queued for it; the sweep queues it again if that task is lost."),
    )
    last_status_code = models.PositiveSmallIntegerField(_("last response status"), null=True, blank=True)
    last_response_body = models.TextField(_("last response (start)"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    replayed_at = models.DateTimeField(_("replayed at"), null=True, blank=True)
    replayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("replayed by"), db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhookdelivery_once_per_event"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="webhookdelivery_due_idx",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.payload.get('type', '')}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery and the receiver's answer."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery"),
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response (start)"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self) -> str:
        return f"{self.number}: {self.status_code or self.error[:40]}"


class WebhookCursor(models.Model):
    """How far the catch-up has read the ticket event log (events inserted without signals)."""

    name = models.CharField(max_length=40, primary_key=True)
    position = models.BigIntegerField(default=0, help_text="Every event up to this id has been enqueued.")
    pending_position = models.BigIntegerField(
        default=0, help_text="The highest id seen by the previous run; becomes `position` next run."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook cursor")
        verbose_name_plural = _("webhook cursors")

    def __str__(self) -> str:
        return f"{self.name}: {self.position}"
