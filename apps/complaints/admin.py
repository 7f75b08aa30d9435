"""Admin for the original complaints that tickets ask to withdraw."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.complaints.models import Complaint
from apps.core.admin import TicketScopedAdminMixin


@admin.register(Complaint)
class ComplaintAdmin(TicketScopedAdminMixin, admin.ModelAdmin):
    ticket_path = "tickets"  # a complaint is in scope when a ticket in scope asks to withdraw it
    list_display = (
        "number", "platform", "complaint_type", "complainant_name", "respondent", "status", "filed_at",
    )
    list_select_related = ("platform", "complaint_type")
    list_filter = ("platform", "complaint_type", "status")
    search_fields = ("=number", "complainant_name")
    search_help_text = _("A complete complaint number, or part of the complainant's name.")
    ordering = ("-filed_at",)
    date_hierarchy = "filed_at"
    autocomplete_fields = ("complainant",)
    readonly_fields = ("created_at",)
    fieldsets = (
        (None, {"fields": ("platform", "number", "complaint_type", "status", "cancelled_at")}),
        (_("Parties"), {"fields": ("complainant", "complainant_name", "respondent")}),
        (_("Content"), {"fields": ("summary", "filed_at", "created_at")}),
    )
