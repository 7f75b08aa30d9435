"""The record of dashboard exports, for an administrator to see who took which figures out."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdminMixin
from apps.dashboard.models import DashboardExport


@admin.register(DashboardExport)
class DashboardExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every export of the dashboard (a chart's figures or the tickets): who, when, what, the filter."""

    list_display = ("exported_at", "exported_by", "what", "filters")
    list_filter = ("what", "exported_at")
    search_fields = ("exported_by__username", "exported_by__display_name")
    ordering = ("-exported_at",)
    date_hierarchy = "exported_at"
    list_select_related = ("exported_by",)
    fields = readonly_fields = ("exported_at", "exported_by", "what", "filters")
