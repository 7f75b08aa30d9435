"""Admin: the outbox, read-only, each row scoped to its ticket, recipients masked."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyAdminMixin, TicketScopedAdminMixin
from apps.core.masking import mask_phone
from apps.outbound.models import Channel, OutboundMessage


def mask_recipient(channel: str, recipient: str) -> str:
    """138****8000 for a number, z***@example.com for an address."""
    if channel == Channel.SMS:
        return mask_phone(recipient)
    local, at, domain = recipient.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else "***"


@admin.register(OutboundMessage)
class OutboundMessageAdmin(TicketScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    ticket_path = "ticket"
    list_display = (
        "created_at", "status", "channel", "event", "masked_recipient", "attempts", "provider",
        "provider_message_id",
    )
    list_filter = ("status", "channel", "event")
    search_fields = ("ticket__reference", "provider_message_id", "dedupe_key")
    date_hierarchy = "created_at"
    raw_id_fields = ("ticket", "requester")
    fields = (
        "channel", "masked_recipient", "ticket", "requester", "event", "language", "subject", "body",
        "html_body", "sms_template", "sms_params", "dedupe_key", "status", "attempts",
        "next_attempt_at", "last_error", "provider", "provider_message_id", "created_at", "sent_at",
    )
    readonly_fields = fields

    @admin.display(description=_("recipient"))
    def masked_recipient(self, message: OutboundMessage) -> str:
        return mask_recipient(message.channel, message.recipient)
