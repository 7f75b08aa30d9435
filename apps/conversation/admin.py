"""Admin: the thread's messages and notes, read-only, each row scoped to the tickets a user may see.

Agents read and write threads on the case page; the admin keeps the record for supervisors.
"""

from django.contrib import admin

from apps.conversation.models import Attachment, Message
from apps.core.admin import ReadOnlyAdminMixin, TicketScopedAdminMixin


class AttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Attachment
    fields = ("original_name", "detected_type", "size", "sha256", "evidence")
    readonly_fields = fields
    extra = 0


@admin.register(Message)
class MessageAdmin(TicketScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    ticket_path = "ticket"
    list_display = (
        "created_at", "ticket", "kind", "author_role", "author", "answers_request", "staff_read_at",
    )
    list_filter = ("kind", "author_role", "answers_request")
    search_fields = ("ticket__reference",)
    date_hierarchy = "created_at"
    list_select_related = ("ticket", "author")
    raw_id_fields = ("ticket", "author")
    fields = (
        "ticket", "kind", "author", "author_role", "author_label", "body", "created_at", "answers_request",
        "requester_read_at", "staff_read_at",
    )
    readonly_fields = fields
    inlines = (AttachmentInline,)


@admin.register(Attachment)
class AttachmentAdmin(TicketScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    ticket_path = "ticket"
    list_display = ("original_name", "ticket", "detected_type", "size", "evidence")
    search_fields = ("ticket__reference", "sha256")
    list_select_related = ("ticket", "evidence")
    raw_id_fields = ("ticket", "message", "evidence")
    fields = ("ticket", "message", "original_name", "detected_type", "size", "sha256", "evidence")
    readonly_fields = fields
