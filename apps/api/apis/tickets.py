"""Withdrawal tickets: create (intake step 1), list, read, change step 1, and the timeline."""

from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.access import (
    REQUEST_PERMISSION,
    intake_ticket_and_requester,
    request_person,
    sees_case_details,
    ticket_for_caller,
    tickets_for_caller,
)
from apps.api.base import ApiView, ApiWriteView
from apps.api.fields import CodeField, PlatformField
from apps.api.pagination import CURSOR_PARAMETERS, TicketCursorPagination, page_serializer
from apps.api.presenters import ticket_detail, ticket_summary
from apps.api.schema import IDEMPOTENCY_KEY_PARAMETER, WRITE_ERRORS, errors
from apps.api.serializers import EventSerializer, TicketDetailSerializer, TicketSummarySerializer
from apps.api.services import api_requester_get_or_create
from apps.conversation.selectors import ticket_events
from apps.core.fields import StrictCharField, StrictChoiceField
from apps.intake import services as intake
from apps.intake.selectors import event_detail, stage_names
from apps.integrations.permissions import api_key_of, integration_platform_check
from apps.integrations.webhooks import VALUE_KINDS
from apps.policy.models import ComplaintType, Platform, SpecialCase, Stage
from apps.tickets.models import TicketSource, TicketStatus

TicketPageSerializer = page_serializer(TicketSummarySerializer, "TicketPage")


def _detail_url(reference: str) -> str:
    return reverse("api:ticket_detail", kwargs={"reference": reference})


class StepOneSerializer(serializers.Serializer):
    platform = PlatformField(queryset=Platform.objects.all())
    complaint_type = CodeField(
        queryset=ComplaintType.objects.all(),
        required=False,
        allow_null=True,
        help_text="The category the requester picks; step 2 corrects it from the complaint.",
    )
    special_case = CodeField(
        queryset=SpecialCase.objects.all(),
        required=False,
        allow_null=True,
    )


class TicketListCreateApi(ApiWriteView):
    """GET: the caller's tickets, newest first, in cursor pages. POST: start a ticket (intake step 1)."""

    required_scopes = {"GET": "tickets:read", "POST": "tickets:write"}

    class FilterSerializer(serializers.Serializer):
        status = StrictChoiceField(choices=TicketStatus.choices, required=False)
        platform = CodeField(queryset=Platform.objects.all(), required=False)
        stage = CodeField(queryset=Stage.objects.all(), required=False)
        updated_since = serializers.DateTimeField(
            required=False, help_text="Only tickets changed at or after this moment (ISO 8601)."
        )

    class TicketCreateSerializer(StepOneSerializer):
        requester_phone = StrictCharField(
            required=False,
            max_length=32,
            help_text="API keys: the requester's mainland mobile number; the account is found or created. "
            "Signed-in people file for themselves and leave it out.",
        )

    @extend_schema(
        operation_id="tickets_list",
        parameters=[FilterSerializer, *CURSOR_PARAMETERS],
        responses={200: TicketPageSerializer, **errors(400, 404)},
    )
    def get(self, request: Request) -> Response:
        empty = [
            name for name in self.FilterSerializer._declared_fields if request.query_params.get(name) == ""
        ]
        if empty:
            raise ValidationError({name: [gettext("This field may not be blank.")] for name in empty})
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        tickets = tickets_for_caller(request).select_related(
            "platform", "complaint_type", "special_case", "complaint", "stage", "route"
        )
        if "status" in filters:
            tickets = tickets.filter(status=filters["status"])
        if "platform" in filters:
            tickets = tickets.filter(platform=filters["platform"])
        if "stage" in filters:
            tickets = tickets.filter(stage=filters["stage"])
        if "updated_since" in filters:
            tickets = tickets.filter(updated_at__gte=filters["updated_since"])
        paginator = TicketCursorPagination()
        page = paginator.paginate_queryset(tickets, request, view=self)
        return paginator.get_paginated_response([ticket_summary(ticket) for ticket in page or ()])

    @extend_schema(
        operation_id="tickets_create",
        request=TicketCreateSerializer,
        responses={201: TicketSummarySerializer, **errors(*WRITE_ERRORS)},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        """The new draft's fields (its progress is in GET Location: a draft has little yet)."""
        data = self.TicketCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        platform = values["platform"]
        integration_platform_check(request, platform)
        person = request_person(request)
        if api_key_of(request) is not None:
            phone = values.get("requester_phone")
            if not phone:
                raise ValidationError({"requester_phone": [gettext("This field is required.")]})
            requester = api_requester_get_or_create(phone=phone)
            source = TicketSource.API
        elif person is not None and person.has_perm(REQUEST_PERMISSION):
            requester, source = person, TicketSource.PORTAL
        else:
            raise PermissionDenied()
        ticket = intake.intake_start(
            requester=requester,
            platform=platform,
            complaint_type=values.get("complaint_type"),
            special_case=values.get("special_case"),
            source=source,
        )
        return Response(
            ticket_summary(ticket),
            status=status.HTTP_201_CREATED,
            headers={"Location": _detail_url(ticket.reference)},
        )


class TicketDetailApi(ApiWriteView):
    """GET: one ticket with its progress. PATCH: change intake step 1 of a draft."""

    required_scopes = {"GET": "tickets:read", "PATCH": "tickets:write"}

    @extend_schema(operation_id="tickets_retrieve", responses={200: TicketDetailSerializer, **errors(404)})
    def get(self, request: Request, reference: str) -> Response:
        return Response(ticket_detail(ticket_for_caller(request, reference)))

    @extend_schema(
        operation_id="tickets_entry_update",
        request=StepOneSerializer,
        responses={200: TicketDetailSerializer, **errors(*WRITE_ERRORS)},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def patch(self, request: Request, reference: str) -> Response:
        ticket, requester = intake_ticket_and_requester(request, reference)
        data = StepOneSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        integration_platform_check(request, values["platform"])
        ticket = intake.intake_start(
            requester=requester,
            platform=values["platform"],
            complaint_type=values.get("complaint_type"),
            special_case=values.get("special_case"),
            ticket_id=ticket.pk,
        )
        return Response(ticket_detail(ticket))


class TicketEventsApi(ApiView):
    """A ticket's timeline, oldest first: who changed what, and when.

    A key or an agent lists every event; a requester those of their thread (no identity checks,
    reveals of their data, logged calls, corrections or notices sent), as the portal shows them.
    """

    required_scopes = {"GET": "tickets:read"}

    @extend_schema(responses={200: EventSerializer(many=True), **errors(404)})
    def get(self, request: Request, reference: str) -> Response:
        ticket = ticket_for_caller(request, reference)
        details = sees_case_details(request)
        names = stage_names()
        events = ticket_events(ticket=ticket, staff=details)
        rows = [
            {
                "id": event.pk,
                "kind": event.kind,
                "kind_label": event.get_kind_display(),
                "occurred_at": event.occurred_at,
                "actor": (str(event.actor) if event.actor_id else event.actor_label) if details else "",
                "detail": event_detail(event, names),
                "from_value": event.from_value if details or event.kind in VALUE_KINDS else "",
                "to_value": event.to_value if details or event.kind in VALUE_KINDS else "",
            }
            for event in events
        ]
        return Response(EventSerializer(rows, many=True).data)
