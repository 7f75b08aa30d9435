"""Admin for people: users (with their agent profile), teams and agent profiles."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import AgentProfile, SmsChallenge, Team, User
from apps.core.admin import ReadOnlyAdminMixin
from apps.core.crypto.hashing import lookup_hashes
from apps.core.masking import mask_ip, mask_phone

PROFILE_FIELDS = ("display_name", "phone", "preferred_language")


class AgentProfileInline(admin.StackedInline):
    model = AgentProfile
    can_delete = False
    extra = 0
    max_num = 1
    autocomplete_fields = ("team",)
    filter_horizontal = ("platforms", "complaint_types")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the profile fields; the mobile number is masked for viewers."""

    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Profile"), {"fields": PROFILE_FIELDS}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Profile"), {"fields": PROFILE_FIELDS}),
    )
    inlines = (AgentProfileInline,)
    list_display = (
        "username", "display_name", "masked_phone", "email", "preferred_language", "is_staff", "is_active",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "preferred_language")
    # The number is encrypted at rest: get_search_results also matches a complete one by its hash.
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    ordering = ("username",)

    @admin.display(description=_("mobile number"))
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone)

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        """Show the mobile number masked to whoever may only view the user."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": tuple(
                "masked_phone" if field == "phone" else field for field in options["fields"]
            )})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if self.has_change_permission(request, obj) else (*readonly, "masked_phone")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        """Also find a complete mobile number; offer only active staff for a ticket's assignee field."""
        unsearched = queryset
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            queryset |= unsearched.filter(phone_hash__in=lookup_hashes("phone", search_term.strip()))
        source = (request.GET.get("model_name"), request.GET.get("field_name"))
        if source == ("withdrawalticket", "assignee"):
            queryset = queryset.filter(is_staff=True, is_active=True)
        return queryset, may_have_duplicates


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "supervisor", "agent_count")
    list_select_related = ("supervisor",)
    list_filter = (("supervisor", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name",)
    ordering = ("name",)
    autocomplete_fields = ("supervisor",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(agent_count=Count("agents"))

    @admin.display(description=_("agents"), ordering="agent_count")
    def agent_count(self, obj: Team) -> int:
        return obj.agent_count  # type: ignore[attr-defined]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "team", "max_open_tickets", "accepts_assignments")
    list_select_related = ("user", "team")
    list_filter = ("accepts_assignments", "team", "platforms", "complaint_types")
    search_fields = ("user__username", "user__display_name", "team__name")
    ordering = ("user__username",)
    autocomplete_fields = ("user", "team")
    filter_horizontal = ("platforms", "complaint_types")


@admin.register(SmsChallenge)
class SmsChallengeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Codes sent for sign-in, to look into a complaint about SMS; the code itself is never shown."""

    list_display = (
        "created_at", "masked_phone", "purpose", "attempts", "consumed_at", "expires_at",
        "phone_locked_until", "masked_ip",
    )
    list_filter = ("purpose", "created_at")
    search_fields = ("=phone_hash",)  # shows the search box; get_search_results hashes the number
    search_help_text = _("A complete mobile number.")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = readonly_fields = (
        "masked_phone", "purpose", "created_at", "expires_at", "attempts", "consumed_at",
        "phone_locked_until", "masked_ip",
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[SmsChallenge], search_term: str
    ) -> tuple[QuerySet[SmsChallenge], bool]:
        """The codes sent to a complete mobile number (found by its keyed hash: it is encrypted)."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(phone_hash__in=lookup_hashes("phone", search_term.strip())), False

    @admin.display(description=_("mobile number"))
    def masked_phone(self, obj: SmsChallenge) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("IP address"))
    def masked_ip(self, obj: SmsChallenge) -> str:
        return mask_ip(obj.ip_address)
