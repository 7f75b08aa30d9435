"""Admin for the workspace: supervisors edit the refusal replies; notices are read-only."""

from django.contrib import admin
from django.http import HttpRequest

from apps.casework.models import Notification, ReplyTemplate
from apps.core.admin import ReadOnlyAdminMixin, TicketScopedAdminMixin


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "title_en", "code", "active", "order")
    list_editable = ("active", "order")
    list_filter = ("active",)
    search_fields = ("code", "title", "title_en", "body", "body_en")
    ordering = ("order", "code")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Refusals name the template they used: retire a reply by unticking "offered", not by deleting it.
        return False


@admin.register(Notification)
class NotificationAdmin(TicketScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "ticket", "read_at", "emailed_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    list_select_related = ("recipient", "ticket")
    search_fields = ("ticket__reference", "recipient__username", "recipient__display_name")
    date_hierarchy = "created_at"
    raw_id_fields = ("recipient", "ticket")
