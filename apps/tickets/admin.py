"""Admin for withdrawal tickets, their letters and stage entries, and the append-only event log.

A supervisor reads everything here and may correct who holds a ticket (assignee, team) and its
special case. The page only collects the change: services.ticket_staff_edit checks it against the
version the page was opened on, raises the version and writes it to the event log. Status, stage
and the deadlines change only through the services and the clock, so they are read-only here;
tickets are never added or deleted here.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.admin import ReadOnlyAdminMixin, TicketScopedAdminMixin
from apps.core.errors import ApplicationError
from apps.evidence.admin import EvidenceFileInline
from apps.identity.admin import IdentityVerificationAttemptInline
from apps.tickets.models import Letter, StageEntry, TicketEvent, WithdrawalTicket
from apps.tickets.services import (
    ASSIGNMENT_FIELDS,
    STAFF_EDITABLE_FIELDS,
    RowCorrection,
    ticket_lock_at_version,
    ticket_staff_edit,
)

TICKET_FIELDSETS: list[tuple[Any, dict[str, Any]]] = [
    (None, {"fields": (
        "reference", "source", "status", "platform", "complaint", "complaint_type", "special_case",
        "stage", "requester",
    )}),
    (_("Intake"), {"fields": (
        "entry_completed_at", "complaint_number_completed_at", "identity_verified_at",
        "letter_completed_at", "submitted_at",
    )}),
    (_("Handling"), {"fields": (
        "received_at", "stage_entered_at", "assignee", "team", "assigned_at", "first_contact_at",
        "waiting_since", "paused_seconds",
    )}),
    (_("Decision"), {"fields": ("decided_at", "decided_by", "decision_reason", "route")}),
    (_("Clock"), {"fields": (
        "first_contact_due_at", "decision_due_at", "complaint_resolution_at", "stage_ends_at",
        "deadlines_provisional", "first_contact_breached_at", "decision_breached_at",
        "next_transition_at",
    )}),
    (_("Record"), {"fields": ("version", "created_at", "updated_at")}),
]
TICKET_FIELDS = [name for _title, options in TICKET_FIELDSETS for name in options["fields"]]
SUPERVISOR_EDITABLE_FIELDS = STAFF_EDITABLE_FIELDS


class ReadOnlyInlineMixin(ReadOnlyAdminMixin):
    """An inline that shows rows written elsewhere: nothing added, changed or removed here."""

    extra = 0


class WhoMixin:
    @admin.display(description=_("who"))
    def who(self, obj: TicketEvent) -> str:
        return str(obj.actor) if obj.actor else obj.actor_label


class LetterInline(admin.StackedInline):
    model = Letter
    extra = 0
    max_num = 1
    can_delete = False
    readonly_fields = ("coach_score", "coach_findings", "updated_at")


class StageEntryInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = StageEntry
    fields = readonly_fields = ("stage", "entered_at")
    ordering = ("entered_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[StageEntry]:
        return super().get_queryset(request).select_related("stage")


class TicketEventInline(ReadOnlyInlineMixin, WhoMixin, admin.TabularInline):
    model = TicketEvent
    fields = readonly_fields = ("occurred_at", "kind", "who", "from_value", "to_value", "data")
    ordering = ("occurred_at", "id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[TicketEvent]:
        return super().get_queryset(request).select_related("actor")


class TicketAdminForm(forms.ModelForm):
    """Refuse a change made on an older version of the ticket than the one stored now."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = WithdrawalTicket
        fields = SUPERVISOR_EDITABLE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        if self.instance.pk is not None:
            # The admin runs the whole request in one transaction: the lock holds until it is saved.
            try:
                ticket_lock_at_version(
                    ticket_id=self.instance.pk, expected_version=cleaned_data.get("loaded_version")
                )
            except ApplicationError as error:
                raise ValidationError(error.message, code=error.extra.get("code")) from error
        return cleaned_data


@admin.register(WithdrawalTicket)
class WithdrawalTicketAdmin(TicketScopedAdminMixin, admin.ModelAdmin):
    ticket_path = ""
    form = TicketAdminForm
    list_display = (
        "reference", "complaint_number", "platform", "complaint_type", "status", "stage", "assignee",
        "received_at", "decision_due_at",
    )
    list_select_related = ("complaint", "platform", "complaint_type", "stage", "assignee")
    list_filter = ("status", "platform", "complaint_type", "stage", "special_case", "source")
    search_fields = ("reference__exact", "complaint__number__exact")
    search_help_text = _("A complete ticket number or complaint number.")
    ordering = ("-created_at",)
    show_full_result_count = False
    autocomplete_fields = ASSIGNMENT_FIELDS
    inlines = (
        LetterInline, StageEntryInline, EvidenceFileInline, IdentityVerificationAttemptInline,
        TicketEventInline,
    )

    @admin.display(description=_("complaint number"), ordering="complaint__number")
    def complaint_number(self, obj: WithdrawalTicket) -> str:
        return obj.complaint.number if obj.complaint else "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: WithdrawalTicket | None = None) -> bool:
        return False

    def get_fieldsets(self, request: HttpRequest, obj: WithdrawalTicket | None = None) -> Any:
        if obj is None or not self.has_change_permission(request, obj):
            return TICKET_FIELDSETS
        *others, (record_name, record) = TICKET_FIELDSETS
        return [*others, (record_name, {"fields": (*record["fields"], "loaded_version")})]

    def get_readonly_fields(self, request: HttpRequest, obj: WithdrawalTicket | None = None) -> Any:
        # Agents change tickets in the workspace only; the admin does not admit them anyway.
        editable = (
            SUPERVISOR_EDITABLE_FIELDS if request.user.has_perm("tickets.supervise_tickets") else ()
        )
        return tuple(name for name in TICKET_FIELDS if name not in editable)

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "assignee":
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Pick teams and special cases here; creating or deleting them belongs on their own pages."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
        return formfield

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[WithdrawalTicket], search_term: str
    ) -> tuple[QuerySet[WithdrawalTicket], bool]:
        """Ticket and complaint numbers are stored upper-case; match one however it was typed."""
        return super().get_search_results(request, queryset, search_term.upper())

    def save_model(
        self, request: HttpRequest, obj: WithdrawalTicket, form: forms.ModelForm, change: bool
    ) -> None:
        """Write nothing yet: save_related saves the ticket's changes with its inlines' as one version."""
        if not change:
            super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool
    ) -> None:
        """Save the inlines, then apply the ticket's changes and record every correction."""
        super().save_related(request, form, formsets, change)
        if not change:
            return
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in STAFF_EDITABLE_FIELDS
        }
        corrections = [
            RowCorrection(model_name=row._meta.model_name, row_id=row.pk, fields=fields)
            for formset in formsets
            for row, fields in formset.changed_objects
        ] + [
            RowCorrection(model_name=row._meta.model_name, row_id=row.pk, fields=["added"])
            for formset in formsets
            for row in formset.new_objects
        ]
        if not changes and not corrections:
            return
        # The form's clean locked the row at this version, so the edit cannot be refused as stale.
        ticket = ticket_staff_edit(
            ticket_id=form.instance.pk,
            expected_version=form.cleaned_data["loaded_version"],
            changes=changes,
            corrections=corrections,
            actor=request.user,  # type: ignore[arg-type]
            actor_label="admin",
        )
        form.instance.version, form.instance.updated_at = ticket.version, ticket.updated_at
        form.instance.assigned_at = ticket.assigned_at


@admin.register(TicketEvent)
class TicketEventAdmin(TicketScopedAdminMixin, ReadOnlyAdminMixin, WhoMixin, admin.ModelAdmin):
    """The event log is append-only (in code and in a PostgreSQL trigger): view it, never edit it."""

    list_display = ("occurred_at", "ticket", "kind", "who", "from_value", "to_value")
    list_select_related = ("ticket", "actor")
    list_filter = ("kind", "occurred_at")
    search_fields = ("ticket__reference__exact",)
    search_help_text = _("A complete ticket number.")
    ordering = ("-occurred_at", "-id")
    show_full_result_count = False
    fields = readonly_fields = (
        "ticket", "kind", "who", "occurred_at", "from_value", "to_value", "data", "dedupe_key",
    )


    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[TicketEvent], search_term: str
    ) -> tuple[QuerySet[TicketEvent], bool]:
        return super().get_search_results(request, queryset, search_term.upper())


@admin.register(Letter)
class LetterAdmin(TicketScopedAdminMixin, admin.ModelAdmin):
    list_display = ("ticket", "respondent", "complaint_time", "coach_score", "updated_at")
    list_select_related = ("ticket",)
    list_filter = ("updated_at",)
    search_fields = ("ticket__reference__exact", "respondent")
    ordering = ("-updated_at",)
    show_full_result_count = False
    autocomplete_fields = ("ticket",)

    def get_readonly_fields(self, request: HttpRequest, obj: Letter | None = None) -> Any:
        coach = ("coach_score", "coach_findings", "updated_at")
        return coach if obj is None else ("ticket", *coach)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Letter], search_term: str
    ) -> tuple[QuerySet[Letter], bool]:
        return super().get_search_results(request, queryset, search_term.upper())


@admin.register(StageEntry)
class StageEntryAdmin(TicketScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Stage entries are written by the clock: read-only."""

    list_display = ("ticket", "stage", "entered_at")
    list_select_related = ("ticket", "stage")
    list_filter = ("stage", "entered_at")
    search_fields = ("ticket__reference__exact",)
    ordering = ("-entered_at",)
    show_full_result_count = False
    fields = readonly_fields = ("ticket", "stage", "entered_at")


    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[StageEntry], search_term: str
    ) -> tuple[QuerySet[StageEntry], bool]:
        return super().get_search_results(request, queryset, search_term.upper())
