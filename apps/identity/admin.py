"""Admin for identity checks: a read-only record, with the IP address masked."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyAdminMixin, TicketScopedAdminMixin
from apps.core.masking import mask_ip
from apps.identity.models import IdentityVerificationAttempt


class ReadOnlyAttemptMixin(ReadOnlyAdminMixin):
    """Attempts are written by the verification service only; nobody edits or removes one."""

    @admin.display(description=_("IP address"))
    def masked_ip(self, obj: IdentityVerificationAttempt) -> str:
        return mask_ip(obj.ip_address)


class IdentityVerificationAttemptInline(ReadOnlyAttemptMixin, admin.TabularInline):
    model = IdentityVerificationAttempt
    fields = readonly_fields = (
        "attempted_at", "method", "provider", "outcome", "reason", "masked_ip",
    )
    ordering = ("attempted_at",)
    extra = 0


@admin.register(IdentityVerificationAttempt)
class IdentityVerificationAttemptAdmin(TicketScopedAdminMixin, ReadOnlyAttemptMixin, admin.ModelAdmin):
    list_display = ("attempted_at", "ticket", "method", "provider", "outcome", "masked_ip")
    list_select_related = ("ticket",)
    list_filter = ("outcome", "method", "provider", "attempted_at")
    search_fields = ("ticket__reference__exact", "=provider_reference")
    search_help_text = _("A complete ticket number or provider reference.")
    ordering = ("-attempted_at",)
    show_full_result_count = False
    fields = readonly_fields = (
        "ticket", "user", "method", "provider", "provider_reference", "outcome", "reason",
        "masked_ip", "attempted_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdentityVerificationAttempt]:
        return super().get_queryset(request).select_related("ticket", "user")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[IdentityVerificationAttempt], search_term: str
    ) -> tuple[QuerySet[IdentityVerificationAttempt], bool]:
        """Ticket numbers are stored upper-case; the provider reference is matched ignoring case."""
        return super().get_search_results(request, queryset, search_term.upper())
