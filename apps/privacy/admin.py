"""Retention periods are policy data an administrator edits; erasure and export records are read-only."""

from django.contrib import admin
from django.http import HttpRequest

from apps.privacy.models import DataExport, ErasureRequest, ErasureRun, RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """One row per kind of data (seeded by migration 0002): the period can change, the kind cannot."""

    list_display = ("kind", "days", "done_through", "updated_at")
    fields = ("kind", "days", "reason", "done_through")
    readonly_fields = ("kind", "done_through")
    ordering = ("kind",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RetentionPolicy | None = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ErasureRun)
class ErasureRunAdmin(ReadOnlyAdmin):
    list_display = ("ran_at", "kind", "trigger", "rows_affected", "tickets", "cutoff")
    list_filter = ("kind", "trigger")
    date_hierarchy = "ran_at"


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "requester", "status", "requested_at", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("requester", "decided_by")


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "requester", "size_bytes", "tickets", "files")
    list_select_related = ("requester",)
    date_hierarchy = "created_at"
