"""Admin for evidence files: read-only, since uploads go through the content-checking service.

The stored file itself is not linked: it lives in private storage and is served only by a checked
view; the admin shows what was recorded about it.
"""

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyAdminMixin, TicketScopedAdminMixin
from apps.evidence.models import EvidenceFile


class FileSizeMixin:
    @admin.display(description=_("size"), ordering="size")
    def file_size(self, obj: EvidenceFile) -> str:
        return filesizeformat(obj.size)


class EvidenceFileInline(FileSizeMixin, admin.TabularInline):
    """A ticket's files; only the tier may be corrected here, and nothing added or removed."""

    model = EvidenceFile
    readonly_fields = (
        "original_name", "document", "detected_type", "file_size", "uploaded_by", "uploaded_at",
    )
    fields = (
        "original_name", "tier", "document", "detected_type", "file_size", "uploaded_by", "uploaded_at",
    )
    ordering = ("uploaded_at",)
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[EvidenceFile]:
        return super().get_queryset(request).select_related("tier", "document", "uploaded_by")

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> Any:
        """Read the tiers once per page, not once per file row."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "tier" and isinstance(field, ModelChoiceField):
            field.choices = list(field.iterator(field))
        return field


@admin.register(EvidenceFile)
class EvidenceFileAdmin(TicketScopedAdminMixin, ReadOnlyAdminMixin, FileSizeMixin, admin.ModelAdmin):
    list_display = (
        "original_name", "ticket", "tier", "detected_type", "file_size", "uploaded_by", "uploaded_at",
    )
    list_select_related = ("ticket", "tier", "uploaded_by")
    list_filter = ("tier", "detected_type", "uploaded_at")
    search_fields = ("ticket__reference__exact", "original_name", "=sha256")
    search_help_text = _("A complete ticket number or SHA-256, or part of the file name.")
    ordering = ("-uploaded_at",)
    show_full_result_count = False
    fields = readonly_fields = (
        "ticket", "tier", "document", "original_name", "detected_type", "file_size", "sha256",
        "uploaded_by", "uploaded_at",
    )


    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[EvidenceFile], search_term: str
    ) -> tuple[QuerySet[EvidenceFile], bool]:
        """Ticket numbers are stored upper-case; the other lookups ignore case anyway."""
        return super().get_search_results(request, queryset, search_term.upper())
