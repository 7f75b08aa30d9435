"""Writes of the agent workspace, by sub-domain; import the functions from here."""

from apps.casework.services.actions import (
    ADMINISTRATIVE_RECONSIDERATION,
    missing_documents,
    ticket_approve,
    ticket_contact_log,
    ticket_evidence_request,
    ticket_refuse,
    ticket_reopen,
    ticket_requester_replied,
    ticket_route,
)
from apps.casework.services.assignment import (
    AutoAssignResult,
    BulkAssignment,
    service_hours_open,
    ticket_assign,
    ticket_claim,
    tickets_assign_bulk,
    tickets_auto_assign,
)
from apps.casework.services.common import ticket_lock, ticket_state
from apps.casework.services.notifications import (
    notification_create,
    notification_emails_send,
    notification_mark_read,
    notification_message,
    notifications_create_bulk,
    notifications_deadline_soon,
    notifications_for_breaches,
    notifications_mark_all_read,
)
from apps.casework.services.personal_data import (
    PersonalDataField,
    personal_data_masked,
    personal_data_reveal,
)

__all__ = [
    "ADMINISTRATIVE_RECONSIDERATION",
    "AutoAssignResult",
    "BulkAssignment",
    "PersonalDataField",
    "missing_documents",
    "notification_create",
    "notification_emails_send",
    "notification_mark_read",
    "notification_message",
    "notifications_create_bulk",
    "notifications_deadline_soon",
    "notifications_for_breaches",
    "notifications_mark_all_read",
    "personal_data_masked",
    "personal_data_reveal",
    "service_hours_open",
    "ticket_approve",
    "ticket_assign",
    "ticket_claim",
    "ticket_contact_log",
    "ticket_evidence_request",
    "ticket_lock",
    "ticket_refuse",
    "ticket_reopen",
    "ticket_requester_replied",
    "ticket_route",
    "ticket_state",
    "tickets_assign_bulk",
    "tickets_auto_assign",
]
