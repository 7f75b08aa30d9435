"""Admin for policy data: every figure of the domain, editable by a supervisor.

Rates are stored and edited as 0..1 decimals (0.9200); list columns show them as percentages.
"""

from decimal import Decimal

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.policy.models import (
    AlternativeRoute,
    CalendarOverride,
    CalendarYear,
    ComplaintNumberLookalike,
    ComplaintType,
    DocumentRequirement,
    EvidenceFormat,
    EvidenceTier,
    IdentityMethod,
    LetterPhrase,
    Platform,
    PolicySettings,
    SpecialCase,
    Stage,
)

NAMED_COLUMNS: tuple[str, ...] = ("code", "name", "name_en", "order")
NAMED_SEARCH: tuple[str, ...] = ("code", "name", "name_en")
NAMED_ORDERING: tuple[str, ...] = ("order", "code")


def as_percent(rate: Decimal | None) -> str:
    """Show a 0..1 rate as a percentage: 0.9200 -> "92 %", 0.3350 -> "33.5 %"."""
    if rate is None:
        return "-"
    return f"{(rate * 100).normalize():f} %"


def day_range(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


class NamedAdmin(admin.ModelAdmin):
    """Shared columns of the policy tables that have a code and names in both languages."""

    list_display = NAMED_COLUMNS
    search_fields = NAMED_SEARCH
    ordering = NAMED_ORDERING
    prepopulated_fields = {"code": ("name_en",)}


@admin.register(PolicySettings)
class PolicySettingsAdmin(admin.ModelAdmin):
    """The single row of global policy: it can be changed, never added twice nor deleted."""

    list_display = (
        "__str__", "first_contact_hours", "peak_assignment_wait_hours", "cooling_off_minutes",
        "face_rejection_percent", "baseline_success_percent",
    )
    ordering = ("pk",)
    fieldsets = (
        (_("Service hours"), {"fields": ("time_zone", "service_opens_at", "service_closes_at",
                                         "service_on_holidays")}),
        (_("Times and limits"), {"fields": ("first_contact_hours", "peak_assignment_wait_hours",
                                            "cooling_off_minutes", "max_evidence_bytes")}),
        (_("Notifications to requesters"), {"fields": ("notice_sms_per_hour",
                                                        "notice_expiry_warning_hours")}),
        (_("Evidence checks"), {"fields": ("max_pdf_pages", "max_pdf_objects", "evidence_check_seconds",
                                           "evidence_check_memory_mb")}),
        (_("Figures (rates as 0..1, e.g. 0.1800 for 18 %)"), {"fields": (
            "complete_chain_odds_multiplier", "face_rejection_rate", "annual_complaints",
            "baseline_withdrawal_success_rate", "misoperation_dispute_rate",
        )}),
    )

    @admin.display(description=_("face recognition rejected"), ordering="face_rejection_rate")
    def face_rejection_percent(self, obj: PolicySettings) -> str:
        return as_percent(obj.face_rejection_rate)

    @admin.display(description=_("baseline success"), ordering="baseline_withdrawal_success_rate")
    def baseline_success_percent(self, obj: PolicySettings) -> str:
        return as_percent(obj.baseline_withdrawal_success_rate)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not PolicySettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: PolicySettings | None = None) -> bool:
        return False


@admin.register(Platform)
class PlatformAdmin(NamedAdmin):
    list_display = (*NAMED_COLUMNS, "longest_handling_hours", "identity_checks", "is_active")
    list_filter = ("is_active",)
    search_fields = (*NAMED_SEARCH, "complaint_number_example")

    @admin.display(description=_("identity methods"))
    def identity_checks(self, obj: Platform) -> str:
        labels = dict(IdentityMethod.choices)
        return " + ".join(str(labels.get(method, method)) for method in obj.identity_methods)


@admin.register(ComplaintNumberLookalike)
class ComplaintNumberLookalikeAdmin(admin.ModelAdmin):
    list_display = ("kind", "pattern", "platform", "hint")
    list_select_related = ("platform",)
    list_filter = ("kind", "platform")
    search_fields = ("pattern", "hint", "hint_en")
    ordering = ("platform__order", "kind")


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(NamedAdmin):
    list_display = (*NAMED_COLUMNS, "formality")
    search_fields = (*NAMED_SEARCH, "formality", "formality_en")


@admin.register(ComplaintType)
class ComplaintTypeAdmin(NamedAdmin):
    list_display = (
        *NAMED_COLUMNS, "withdrawability", "handling_days", "frozen_at_once", "low_risk",
    )
    list_filter = ("withdrawability", "frozen_at_once", "low_risk")
    filter_horizontal = ("required_documents",)

    @admin.display(description=_("handling time (working days)"), ordering="handling_days_min")
    def handling_days(self, obj: ComplaintType) -> str:
        return day_range(obj.handling_days_min, obj.handling_days_max)


@admin.register(Stage)
class StageAdmin(NamedAdmin):
    list_display = (
        "code", "name", "name_en", "window", "entry_success_percent", "decay", "irreversible",
    )
    list_filter = ("irreversible",)
    ordering = ("starts_at_hour",)
    filter_horizontal = ("needed_documents",)

    @admin.display(description=_("window (hours after filing)"), ordering="starts_at_hour")
    def window(self, obj: Stage) -> str:
        if obj.ends_at_hour is None:
            return f"{obj.starts_at_hour} h +"
        return f"{obj.starts_at_hour}–{obj.ends_at_hour} h"

    @admin.display(description=_("success rate at entry"), ordering="entry_success_rate")
    def entry_success_percent(self, obj: Stage) -> str:
        return as_percent(obj.entry_success_rate)

    @admin.display(description=_("decay"), ordering="decay_rate")
    def decay(self, obj: Stage) -> str:
        if not obj.decay_rate or obj.decay_period_hours is None:
            return str(_("none"))
        return _("−%(rate)s per %(hours)s h") % {
            "rate": as_percent(obj.decay_rate), "hours": obj.decay_period_hours,
        }


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "reason", "created_at")
    list_filter = ("kind",)
    search_fields = ("reason",)
    ordering = ("-date",)
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "schedule_complete", "note")
    list_filter = ("schedule_complete",)
    ordering = ("-year",)


@admin.register(SpecialCase)
class SpecialCaseAdmin(NamedAdmin):
    list_display = (*NAMED_COLUMNS, "policy")
    search_fields = (*NAMED_SEARCH, "policy", "policy_en")
    filter_horizontal = ("documents",)


@admin.register(AlternativeRoute)
class AlternativeRouteAdmin(NamedAdmin):
    list_display = (*NAMED_COLUMNS, "duration", "cost", "success_percent")
    list_filter = ("day_kind",)

    @admin.display(description=_("takes"), ordering="days_min")
    def duration(self, obj: AlternativeRoute) -> str:
        return f"{day_range(obj.days_min, obj.days_max)} {obj.get_day_kind_display()}"

    @admin.display(description=_("success rate"), ordering="success_rate")
    def success_percent(self, obj: AlternativeRoute) -> str:
        return as_percent(obj.success_rate)


@admin.register(EvidenceTier)
class EvidenceTierAdmin(NamedAdmin):
    search_fields = (*NAMED_SEARCH, "description", "description_en")


@admin.register(EvidenceFormat)
class EvidenceFormatAdmin(NamedAdmin):
    list_display = (*NAMED_COLUMNS, "mime_type", "extension", "carries_images")
    list_filter = ("carries_images",)
    search_fields = (*NAMED_SEARCH, "mime_type", "extension")


@admin.register(LetterPhrase)
class LetterPhraseAdmin(admin.ModelAdmin):
    list_display = ("phrase", "kind", "meaning_en", "advice")
    list_filter = ("kind",)
    search_fields = ("phrase", "meaning_en", "advice", "advice_en")
    ordering = ("kind", "phrase")
