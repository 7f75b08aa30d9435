"""Withdrawal tickets (工单), their letters, stage entries and the append-only event log."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


def new_ticket_reference() -> str:
    """Return a fresh ticket number like CH-7KQ2-MX9A, unguessable so it can be quoted safely."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"CH-{chars[:4]}-{chars[4:]}"


class TicketStatus(models.TextChoices):
    DRAFT = "draft", _("intake in progress")
    SUBMITTED = "submitted", _("submitted, waiting for service hours")
    RECEIVED = "received", _("received, waiting for an agent")
    ASSIGNED = "assigned", _("with an agent")
    WAITING_ON_REQUESTER = "waiting_on_requester", _("waiting on the requester")
    APPROVED = "approved", _("approved: complaint withdrawn")
    REFUSED = "refused", _("refused")
    ROUTED = "routed", _("sent to another route")
    EXPIRED = "expired", _("expired")
    CANCELLED = "cancelled", _("cancelled by the requester")


OPEN_STATUSES = (
    TicketStatus.DRAFT,
    TicketStatus.SUBMITTED,
    TicketStatus.RECEIVED,
    TicketStatus.ASSIGNED,
    TicketStatus.WAITING_ON_REQUESTER,
)
QUEUE_STATUSES = (TicketStatus.RECEIVED, TicketStatus.ASSIGNED, TicketStatus.WAITING_ON_REQUESTER)


class TicketSource(models.TextChoices):
    PORTAL = "portal", _("requester portal")
    API = "api", _("integration API")
    AGENT = "agent", _("entered by an agent")


class WithdrawalTicket(models.Model):
    """One request to withdraw one complaint, from intake to decision."""

    reference = models.CharField(
        _("ticket number"), max_length=16, default=new_ticket_reference, editable=False
    )
    source = models.CharField(_("source"), max_length=10, choices=TicketSource.choices)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="withdrawal_tickets",
        null=True, blank=True, verbose_name=_("requester"),
        db_index=False,
    )
    # Step 1 picks the platform before the complaint is known; the type is copied from the
    # complaint at step 2 so the queue filters and indexes need no join.
    platform = models.ForeignKey(
        "policy.Platform", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("platform"),
        db_index=False,
    )
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="tickets",
        null=True, blank=True, verbose_name=_("complaint"),
    )
    complaint_type = models.ForeignKey(
        "policy.ComplaintType", on_delete=models.PROTECT, related_name="tickets",
        null=True, blank=True, verbose_name=_("complaint type"),
        db_index=False,
    )
    complaint_filed_at = models.DateTimeField(
        _("complaint filed at"), null=True, blank=True, editable=False,
        help_text=_("Copied from the complaint: the stage clock runs from it."),
    )
    special_case = models.ForeignKey(
        "policy.SpecialCase", on_delete=models.PROTECT, related_name="tickets",
        null=True, blank=True, verbose_name=_("special case"),
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=24, choices=TicketStatus.choices, default=TicketStatus.DRAFT
    )
    stage = models.ForeignKey(
        "policy.Stage", on_delete=models.PROTECT, related_name="tickets",
        null=True, blank=True, verbose_name=_("stage"),
        db_index=False,
    )

    # The five intake steps (DOMAIN "The five-step intake"), each with when it was completed.
    entry_completed_at = models.DateTimeField(_("1. platform and category chosen"), null=True, blank=True)
    complaint_number_completed_at = models.DateTimeField(
        _("2. complaint number confirmed"), null=True, blank=True
    )
    identity_verified_at = models.DateTimeField(_("3. identity verified"), null=True, blank=True)
    letter_completed_at = models.DateTimeField(_("4. letter and evidence done"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("5. submitted"), null=True, blank=True)

    # The life after intake.
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(_("current stage entered at"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assigned_tickets",
        null=True, blank=True, verbose_name=_("assigned agent"),
        db_index=False,
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="tickets",
        null=True, blank=True, verbose_name=_("team"),
        db_index=False,
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decided_tickets",
        null=True, blank=True, verbose_name=_("decided by"),
        db_index=False,
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    route = models.ForeignKey(
        "policy.AlternativeRoute", on_delete=models.PROTECT, related_name="tickets",
        null=True, blank=True, verbose_name=_("alternative route"),
        db_index=False,
    )
    waiting_since = models.DateTimeField(
        _("waiting on the requester since"), null=True, blank=True,
        help_text=_("The handling deadline pauses while the ticket waits on the requester."),
    )
    paused_seconds = models.PositiveIntegerField(_("handling deadline paused (seconds)"), default=0)

    # The clock (SLA): deadlines stored on the row, and the next moment the sweep must look at it.
    first_contact_due_at = models.DateTimeField(_("first contact due"), null=True, blank=True)
    decision_due_at = models.DateTimeField(_("decision due"), null=True, blank=True)
    complaint_resolution_at = models.DateTimeField(_("complaint resolved by"), null=True, blank=True)
    stage_ends_at = models.DateTimeField(_("current stage ends"), null=True, blank=True)
    deadlines_provisional = models.BooleanField(
        _("deadlines provisional"), default=False,
        help_text=_("A deadline reaches a year whose official holiday calendar is not yet known."),
    )
    first_contact_breached_at = models.DateTimeField(_("first contact breached"), null=True, blank=True)
    decision_breached_at = models.DateTimeField(_("decision breached"), null=True, blank=True)
    next_transition_at = models.DateTimeField(
        _("next clock transition"), null=True, blank=True, editable=False,
        help_text=_("The next stage end, deadline or receipt; the sweep selects on it."),
    )

    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Raised by every change; a change made on an older version is refused."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("withdrawal ticket")
        verbose_name_plural = _("withdrawal tickets")
        permissions = [
            ("request_withdrawal", "Can ask for a complaint to be withdrawn (portal)"),
            ("work_tickets", "Can work tickets in the agent workspace"),
            ("supervise_tickets", "Can assign, reassign and see every team's tickets"),
            ("reveal_personal_data", "Can reveal masked personal data, with a reason"),
        ]
        constraints = [
            # A constraint, not unique=True: PostgreSQL then needs no extra LIKE index beside it.
            models.UniqueConstraint(fields=["reference"], name="ticket_reference_unique"),
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(status__in=OPEN_STATUSES) & Q(complaint__isnull=False),
                name="ticket_one_open_per_complaint",
                violation_error_message=_("This complaint already has an open withdrawal ticket."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=TicketStatus.values), name="ticket_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[TicketStatus.DRAFT, TicketStatus.CANCELLED])
                | Q(submitted_at__isnull=False),
                name="ticket_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[TicketStatus.DRAFT, TicketStatus.CANCELLED])
                | Q(complaint__isnull=False),
                name="ticket_submitted_has_complaint",
            ),
            models.CheckConstraint(
                condition=~Q(status=TicketStatus.ASSIGNED) | Q(assignee__isnull=False),
                name="ticket_assigned_has_assignee",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="ticket_version_positive"),
        ]
        indexes = [
            # The clock's sweep: only open tickets with a pending transition, by due time.
            models.Index(
                fields=["next_transition_at"], name="ticket_next_transition_idx",
                condition=Q(next_transition_at__isnull=False),
            ),
            # The queue: per stage (the costliest stage first), nearest decision deadline first;
            # a page reads each stage's slice in index order and stops at the page's end.
            models.Index(
                fields=["stage", "decision_due_at", "id"], name="ticket_queue_stage_idx",
                condition=Q(status__in=QUEUE_STATUSES),
            ),
            # The same order for the "breached" filter, over the few tickets that missed a deadline.
            models.Index(
                fields=["stage", "decision_due_at", "id"], name="ticket_queue_breached_idx",
                condition=Q(status__in=QUEUE_STATUSES)
                & (Q(first_contact_breached_at__isnull=False) | Q(decision_breached_at__isnull=False)),
            ),
            models.Index(
                fields=["assignee", "status"], name="ticket_assignee_status_idx",
                condition=Q(assignee__isnull=False),
            ),
            models.Index(
                fields=["team", "status"], name="ticket_team_status_idx",
                condition=Q(team__isnull=False),
            ),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Letter(models.Model):
    """The withdrawal letter (step 4): the required facts, the free text and the coach's findings."""

    ticket = models.OneToOneField(WithdrawalTicket, on_delete=models.CASCADE, related_name="letter")
    complaint_time = models.DateTimeField(
        _("complaint time"), null=True, blank=True,
        help_text=_("When the complaint was made, to the minute."),
    )
    respondent = models.CharField(_("respondent"), max_length=200, blank=True)
    reason = models.TextField(_("reason for withdrawing"), blank=True)
    body = models.TextField(_("letter"), blank=True)
    coach_score = models.PositiveSmallIntegerField(_("coach score"), null=True, blank=True)
    coach_findings = models.JSONField(_("coach findings"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            models.CheckConstraint(
                condition=Q(coach_score__isnull=True) | Q(coach_score__lte=100), name="letter_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.reference}"


class StageEntry(models.Model):
    """When a ticket's complaint entered a stage; one row per ticket and stage."""

    ticket = models.ForeignKey(
        WithdrawalTicket, on_delete=models.CASCADE, related_name="stage_entries", db_index=False
    )
    stage = models.ForeignKey("policy.Stage", on_delete=models.PROTECT, related_name="+", db_index=False)
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        ordering = ["entered_at"]
        verbose_name = _("stage entry")
        verbose_name_plural = _("stage entries")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "stage"], name="stageentry_once_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.entered_at:%Y-%m-%d %H:%M} UTC"


class EventKind(models.TextChoices):
    CREATED = "created", _("created")
    INTAKE_STEP = "intake_step", _("intake step completed")
    SUBMITTED = "submitted", _("submitted")
    RECEIVED = "received", _("received")
    STAGE_CHANGED = "stage_changed", _("stage changed")
    STATUS_CHANGED = "status_changed", _("status changed")
    ASSIGNED = "assigned", _("assigned")
    CONTACT_LOGGED = "contact_logged", _("contact logged")
    EVIDENCE_ADDED = "evidence_added", _("evidence added")
    EVIDENCE_REQUESTED = "evidence_requested", _("evidence requested")
    IDENTITY_ATTEMPT = "identity_attempt", _("identity check attempted")
    DEADLINE_BREACHED = "deadline_breached", _("deadline breached")
    DECIDED = "decided", _("decided")
    PERSONAL_DATA_REVEALED = "personal_data_revealed", _("personal data revealed")
    NOTE = "note", _("note")
    MESSAGE_POSTED = "message_posted", _("message posted")
    NOTICE_SENT = "notice_sent", _("notification sent")
    NOTICE_FAILED = "notice_failed", _("notification failed")


class EventQuerySet(models.QuerySet["TicketEvent"]):
    def update(self, **kwargs: object) -> int:
        raise TypeError("The ticket event log is append-only: events are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The ticket event log is append-only: events are never deleted.")


class TicketEvent(models.Model):
    """One state change of a ticket: who, when, what, from, to. Append-only, in code and in SQL."""

    ticket = models.ForeignKey(
        WithdrawalTicket, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    kind = models.CharField(_("what"), max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        null=True, blank=True, verbose_name=_("who"), db_index=False,
    )
    actor_label = models.CharField(
        _("who (label)"), max_length=100, blank=True,
        help_text=_("For changes no person made: 'clock', 'api:<integration>', 'seed'."),
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    from_value = models.CharField(_("from"), max_length=200, blank=True)
    to_value = models.CharField(_("to"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # NULL, not "": most events have no key, and NULLs never collide under the unique constraint.
    dedupe_key = models.CharField(  # noqa: DJ001
        _("idempotency key"), max_length=120, null=True, blank=True,
        help_text=_("Makes a change recorded by a retried job land once."),
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "occurred_at"], name="event_ticket_time_idx")]
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="event_dedupe_key_unique")]

    def __str__(self) -> str:
        change = f" {self.from_value} → {self.to_value}" if self.from_value or self.to_value else ""
        return f"{self.get_kind_display()}{change}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("The ticket event log is append-only: events are never updated.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError("The ticket event log is append-only: events are never deleted.")
