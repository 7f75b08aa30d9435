"""Admin: integrations, their API keys (shown once, then only by prefix), webhooks and deliveries.

Secrets never come back from the database: an API key is stored as a keyed hash and a webhook
signing secret is derived from a salt, and neither the hash nor the salt is ever displayed. The
plain key and the signing secret appear once, in the message after they are created.
"""

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from apps.core import clock
from apps.core.admin import ReadOnlyAdminMixin, TicketScopedAdminMixin
from apps.integrations.models import (
    ApiKey,
    IdempotencyRecord,
    Integration,
    WebhookAttempt,
    WebhookCursor,
    WebhookDelivery,
    WebhookSubscription,
)
from apps.integrations.scopes import Scope
from apps.integrations.services import (
    api_key_issue,
    api_key_revoke,
    webhook_secret_rotate,
    webhook_subscription_create,
)
from apps.integrations.webhooks import webhook_delivery_replay
from apps.tickets.models import EventKind

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _key_state(key: ApiKey) -> str:
    if key.revoked_at is not None:
        return gettext("revoked")
    if key.is_expired(clock.now()):
        return gettext("expired")
    return gettext("active")


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    fields = ("masked", "label", "scopes", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("key"))
    def masked(self, obj: ApiKey) -> str:
        return obj.masked


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "platform_codes", "contact_email", "created_at")
    list_filter = ("active", "platforms")
    search_fields = ("name", "contact_email")
    filter_horizontal = ("platforms",)
    inlines = (ApiKeyInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Integration]:
        return super().get_queryset(request).prefetch_related("platforms")

    @admin.display(description=_("platforms"))
    def platform_codes(self, obj: Integration) -> str:
        return ", ".join(platform.code for platform in obj.platforms.all())


class ApiKeyAddForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = ("integration", "label", "scopes", "expires_at")

    def clean_expires_at(self) -> Any:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= clock.now():
            raise forms.ValidationError(_("Choose a moment in the future, or none."))
        return expires_at


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created here and revoked here; a key itself is never changed or shown again."""

    list_display = (
        "masked", "integration", "label", "scope_list", "state", "created_at", "expires_at", "last_used_at",
    )
    list_filter = ("integration", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("prefix", "label", "integration__name")
    list_select_related = ("integration",)
    actions = ("revoke",)
    shown_fields = (
        "masked", "integration", "label", "scope_list", "state", "created_at", "created_by", "expires_at",
        "revoked_at", "last_used_at",
    )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        return ApiKeyAddForm.Meta.fields if obj is None else self.shown_fields

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        return () if obj is None else self.shown_fields

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # revoked keys stay, so the log can still say which key did what

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            return
        key, plain = api_key_issue(
            integration=obj.integration,
            scopes=form.cleaned_data["scopes"],
            expires_at=obj.expires_at,
            actor=request.user,  # type: ignore[arg-type]
            label=obj.label,
        )
        for field in ("pk", "prefix", "secret_hash", "scopes", "created_at", "created_by_id"):
            setattr(obj, field, getattr(key, field))
        obj._state.adding = False
        messages.warning(
            request,
            format_html(
                "{} <code>{}</code>",
                gettext("Copy this key now and hand it to the integration; it is shown only once:"),
                plain,
            ),
        )

    @admin.display(description=_("key"))
    def masked(self, obj: ApiKey) -> str:
        return obj.masked

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    @admin.display(description=_("state"))
    def state(self, obj: ApiKey) -> str:
        return _key_state(obj)

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        keys = list(queryset.filter(revoked_at__isnull=True))
        for key in keys:
            api_key_revoke(key=key, actor=request.user)  # type: ignore[arg-type]
        count = len(keys)
        messages.success(request, ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {
            "count": count
        })


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("receiver URL"), max_length=500, assume_scheme="https")
    event_kinds = forms.MultipleChoiceField(
        label=_("event kinds"), choices=EventKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ("integration", "url", "event_kinds", "active")

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
            raise forms.ValidationError(_("Use an https:// address (http:// only for this machine)."))
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("url", "integration", "kind_list", "active", "created_at")
    list_filter = ("active", "integration")
    search_fields = ("url", "integration__name")
    list_select_related = ("integration",)
    actions = ("rotate_secret",)

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        subscription, secret = webhook_subscription_create(
            integration=obj.integration, url=obj.url, event_kinds=form.cleaned_data["event_kinds"],
            active=obj.active,
        )
        for field in ("pk", "secret_salt", "event_kinds", "created_at"):
            setattr(obj, field, getattr(subscription, field))
        obj._state.adding = False
        self._show_secret(request, subscription, secret)

    @staticmethod
    def _show_secret(request: HttpRequest, subscription: WebhookSubscription, secret: str) -> None:
        messages.warning(
            request,
            format_html(
                "{} {}: <code>{}</code>",
                gettext("Give the receiver this signing secret now; it is shown only once."),
                subscription.url,
                secret,
            ),
        )

    @admin.display(description=_("event kinds"))
    def kind_list(self, obj: WebhookSubscription) -> str:
        return ", ".join(obj.event_kinds)

    @admin.action(
        description=_("Give the selected subscriptions a new signing secret"), permissions=["change"]
    )
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for subscription in queryset:
            self._show_secret(request, subscription, webhook_secret_rotate(subscription=subscription))


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "duration_ms", "status_code", "response_body", "error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(TicketScopedAdminMixin, admin.ModelAdmin):
    """The record of what was sent and answered; the only change is a replay."""

    ticket_path = "event__ticket"  # the payload carries the ticket

    list_display = (
        "id", "event_type", "ticket_reference", "subscription", "status", "attempts", "last_status_code",
        "next_attempt_at", "delivered_at",
    )
    list_filter = ("status", "subscription__integration")
    search_fields = ("=id", "payload__ticket__reference")
    list_select_related = ("subscription",)
    readonly_fields = (
        "subscription", "event", "payload", "status", "attempts", "claims", "next_attempt_at",
        "last_status_code", "last_response_body", "last_error", "delivered_at", "replayed_at", "replayed_by",
        "created_at",
    )
    fields = readonly_fields
    inlines = (WebhookAttemptInline,)
    actions = ("replay",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("event"))
    def event_type(self, obj: WebhookDelivery) -> str:
        return str(obj.payload.get("type", ""))

    @admin.display(description=_("ticket"))
    def ticket_reference(self, obj: WebhookDelivery) -> str:
        return str(obj.payload.get("ticket", {}).get("reference", ""))

    @admin.action(description=_("Send the selected deliveries again"), permissions=["change"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        wanted = list(queryset.values_list("pk", flat=True))
        replayed = webhook_delivery_replay(
            delivery_ids=wanted, actor=request.user, now=clock.now()  # type: ignore[arg-type]
        )
        count = len(replayed)
        queued = ngettext(
            "%(count)d delivery queued to be sent again.",
            "%(count)d deliveries queued to be sent again.",
            count,
        )
        messages.success(request, queued % {"count": count})
        busy = len(wanted) - count
        if busy:
            messages.warning(request, ngettext(
                "%(count)d delivery is being sent right now and was left alone.",
                "%(count)d deliveries are being sent right now and were left alone.",
                busy,
            ) % {"count": busy})


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which retried writes were answered from a stored response (kept 24 hours)."""

    list_display = ("key", "owner", "method", "path", "status", "response_status", "created_at")
    list_filter = ("status", "method")
    search_fields = ("key", "path")
    date_hierarchy = "created_at"


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(TicketScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    ticket_path = "delivery__event__ticket"  # the answer may echo the ticket

    list_display = ("delivery", "number", "started_at", "status_code", "duration_ms")
    list_select_related = ("delivery",)
    date_hierarchy = "started_at"


@admin.register(WebhookCursor)
class WebhookCursorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "position", "updated_at")
