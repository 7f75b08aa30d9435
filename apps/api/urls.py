"""/api/v1/: complaints, tickets and their intake, evidence, agent actions, policies."""

from django.conf import settings
from django.urls import path

import apps.core.converters  # noqa: F401  (registers <reference:>, <code:>, <id:>)
from apps.api.apis.actions import (
    TicketApproveApi,
    TicketAssignApi,
    TicketContactApi,
    TicketEvidenceRequestApi,
    TicketRefuseApi,
    TicketReopenApi,
    TicketRouteApi,
)
from apps.api.apis.complaints import ComplaintCreateApi, ComplaintLookupApi
from apps.api.apis.evidence import EvidenceDownloadApi, TicketEvidenceApi
from apps.api.apis.floor import BenchFloorApi
from apps.api.apis.intake import (
    TicketAbandonApi,
    TicketComplaintApi,
    TicketIdentityApi,
    TicketIdentityChallengeApi,
    TicketLetterApi,
    TicketLetterCheckApi,
    TicketSubmitApi,
)
from apps.api.apis.messages import AttachmentDownloadApi, TicketMessagesApi
from apps.api.apis.policies import PoliciesApi
from apps.api.apis.tickets import TicketDetailApi, TicketEventsApi, TicketListCreateApi

app_name = "api"
TICKET = "tickets/<reference:reference>"

urlpatterns = [
    path("complaints/", ComplaintCreateApi.as_view(), name="complaint_create"),
    path("complaints/lookup", ComplaintLookupApi.as_view(), name="complaint_lookup"),
    path("tickets/", TicketListCreateApi.as_view(), name="tickets"),
    path(TICKET, TicketDetailApi.as_view(), name="ticket_detail"),
    path(f"{TICKET}/events", TicketEventsApi.as_view(), name="ticket_events"),
    path(f"{TICKET}/complaint", TicketComplaintApi.as_view(), name="ticket_complaint"),
    path(f"{TICKET}/identity", TicketIdentityApi.as_view(), name="ticket_identity"),
    path(
        f"{TICKET}/identity/challenge", TicketIdentityChallengeApi.as_view(), name="ticket_identity_challenge"
    ),
    path(f"{TICKET}/letter", TicketLetterApi.as_view(), name="ticket_letter"),
    path(f"{TICKET}/letter/check", TicketLetterCheckApi.as_view(), name="ticket_letter_check"),
    path(f"{TICKET}/submit", TicketSubmitApi.as_view(), name="ticket_submit"),
    path(f"{TICKET}/abandon", TicketAbandonApi.as_view(), name="ticket_abandon"),
    path(f"{TICKET}/evidence", TicketEvidenceApi.as_view(), name="ticket_evidence"),
    path("evidence/<id:pk>/download", EvidenceDownloadApi.as_view(), name="evidence_download"),
    path(f"{TICKET}/messages", TicketMessagesApi.as_view(), name="ticket_messages"),
    path("attachments/<id:pk>/download", AttachmentDownloadApi.as_view(), name="attachment_download"),
    path(f"{TICKET}/assign", TicketAssignApi.as_view(), name="ticket_assign"),
    path(f"{TICKET}/contact", TicketContactApi.as_view(), name="ticket_contact"),
    path(f"{TICKET}/request-evidence", TicketEvidenceRequestApi.as_view(), name="ticket_request_evidence"),
    path(f"{TICKET}/approve", TicketApproveApi.as_view(), name="ticket_approve"),
    path(f"{TICKET}/refuse", TicketRefuseApi.as_view(), name="ticket_refuse"),
    path(f"{TICKET}/route", TicketRouteApi.as_view(), name="ticket_route"),
    path(f"{TICKET}/reopen", TicketReopenApi.as_view(), name="ticket_reopen"),
    path("policies/", PoliciesApi.as_view(), name="policies"),
]

if settings.BENCH_FLOOR:  # only for `make bench-api` (CHEHUI_BENCH_FLOOR=1); otherwise a 404
    urlpatterns.append(path("_bench/floor", BenchFloorApi.as_view(), name="bench_floor"))
