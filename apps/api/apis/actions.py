"""What an agent does with a ticket: assign, contact, ask for evidence, approve, refuse, route, reopen.

Each calls the casework service the workspace calls. A person acts as themselves (the services
check they may); a key acts as its integration's service user (see apps.api.services), on
tickets of its platforms only. `expected_version` refuses the change with 409 if the ticket moved
since the caller read it.
"""

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.api.access import acting_agent, ticket_for_caller
from apps.api.base import ApiWriteView
from apps.api.fields import CodeField
from apps.api.presenters import ticket_detail
from apps.api.schema import IDEMPOTENCY_KEY_PARAMETER, WRITE_ERRORS, errors
from apps.api.serializers import TicketDetailSerializer
from apps.casework import services as casework
from apps.casework.models import ContactChannel, ReplyTemplate
from apps.casework.selectors import route_by_code
from apps.core.errors import ApplicationError
from apps.core.fields import StrictCharField, StrictChoiceField, StrictIntegerField, StrictSlugField

RESPONSES = {200: TicketDetailSerializer, **errors(*WRITE_ERRORS)}
NOTE_MAX_CHARS = 2000


class VersionedSerializer(serializers.Serializer):
    expected_version = StrictIntegerField(
        required=False, min_value=1, help_text="The ticket's version as last read; omit to skip the check."
    )


class NoteSerializer(VersionedSerializer):
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_CHARS)


class ActionApi(ApiWriteView):
    """One action on one ticket, answered with the ticket as it is afterwards."""

    required_scopes = {"POST": "actions:write"}
    InputSerializer: type[serializers.Serializer] = VersionedSerializer

    def perform(self, request: Request, reference: str) -> Response:
        """Each subclass's `post` calls this (one `post` per class: the idempotency wrapper wraps each)."""
        ticket = ticket_for_caller(request, reference)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected_version = values.pop("expected_version", None)
        self.act(
            ticket_id=ticket.pk, actor=acting_agent(request), expected_version=expected_version, values=values
        )
        return Response(ticket_detail(ticket))

    def act(
        self, *, ticket_id: int, actor: User, expected_version: int | None, values: dict[str, Any]
    ) -> None:
        raise NotImplementedError


def _schema(serializer: type[serializers.Serializer]) -> Any:
    return extend_schema(request=serializer, responses=RESPONSES, parameters=[IDEMPOTENCY_KEY_PARAMETER])


class AssignInputSerializer(VersionedSerializer):
    agent = StrictCharField(
        allow_null=True,
        max_length=150,
        help_text="The agent's user name; null puts the ticket back in the queue. A person naming "
        "themselves claims the ticket.",
    )


class TicketAssignApi(ActionApi):
    """Give the ticket to an agent, move it to another, or put it back in the queue."""

    InputSerializer = AssignInputSerializer

    @_schema(AssignInputSerializer)
    def post(self, request: Request, reference: str) -> Response:
        return self.perform(request, reference)

    def act(
        self, *, ticket_id: int, actor: User, expected_version: int | None, values: dict[str, Any]
    ) -> None:
        target = None
        if values["agent"] is not None:
            target = User.objects.filter(username=values["agent"], is_active=True).first()
            if target is None:
                message = gettext("There is no active agent with this user name.")
                raise ApplicationError(message, extra={"code": "invalid", "fields": {"agent": [message]}})
        casework.ticket_assign(
            ticket_id=ticket_id, agent=target, actor=actor, expected_version=expected_version
        )


class ContactInputSerializer(NoteSerializer):
    channel = StrictChoiceField(choices=ContactChannel.choices)


class TicketContactApi(ActionApi):
    """Record a contact with the requester; the first one settles the first-contact deadline."""

    InputSerializer = ContactInputSerializer

    @_schema(ContactInputSerializer)
    def post(self, request: Request, reference: str) -> Response:
        return self.perform(request, reference)

    def act(
        self, *, ticket_id: int, actor: User, expected_version: int | None, values: dict[str, Any]
    ) -> None:
        casework.ticket_contact_log(
            ticket_id=ticket_id,
            agent=actor,
            channel=values["channel"],
            note=values["note"],
            expected_version=expected_version,
        )


class EvidenceRequestInputSerializer(VersionedSerializer):
    message = StrictCharField(max_length=NOTE_MAX_CHARS, help_text="What the requester should add.")


class TicketEvidenceRequestApi(ActionApi):
    """Ask the requester for more evidence: the handling deadline pauses until they answer."""

    InputSerializer = EvidenceRequestInputSerializer

    @_schema(EvidenceRequestInputSerializer)
    def post(self, request: Request, reference: str) -> Response:
        return self.perform(request, reference)

    def act(
        self, *, ticket_id: int, actor: User, expected_version: int | None, values: dict[str, Any]
    ) -> None:
        casework.ticket_evidence_request(
            ticket_id=ticket_id, agent=actor, message=values["message"], expected_version=expected_version
        )


class TicketApproveApi(ActionApi):
    """Approve the withdrawal: the complaint is withdrawn (refused while documents are missing)."""

    InputSerializer = NoteSerializer

    @_schema(NoteSerializer)
    def post(self, request: Request, reference: str) -> Response:
        return self.perform(request, reference)

    def act(
        self, *, ticket_id: int, actor: User, expected_version: int | None, values: dict[str, Any]
    ) -> None:
        casework.ticket_approve(
            ticket_id=ticket_id, agent=actor, note=values["note"], expected_version=expected_version
        )


class RefuseInputSerializer(VersionedSerializer):
    template = CodeField(
        queryset=ReplyTemplate.objects.filter(active=True),
        required=False,
        allow_null=True,
        help_text="A reply template's code (GET /policies/ lists them).",
    )
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NOTE_MAX_CHARS,
        help_text="The reason as written; without it, the template's text in the requester's language.",
    )


class TicketRefuseApi(ActionApi):
    """Refuse the withdrawal with a reply template or a reason written out."""

    InputSerializer = RefuseInputSerializer

    @_schema(RefuseInputSerializer)
    def post(self, request: Request, reference: str) -> Response:
        return self.perform(request, reference)

    def act(
        self, *, ticket_id: int, actor: User, expected_version: int | None, values: dict[str, Any]
    ) -> None:
        template = values.get("template")
        casework.ticket_refuse(
            ticket_id=ticket_id,
            agent=actor,
            template_id=template.pk if template else None,
            reason=values["reason"],
            expected_version=expected_version,
        )


class RouteInputSerializer(NoteSerializer):
    route = StrictSlugField(
        max_length=40,
        help_text=f"An alternative route's code, or {casework.ADMINISTRATIVE_RECONSIDERATION}.",
    )


class TicketRouteApi(ActionApi):
    """Send the requester to another route; a handled complaint only to administrative reconsideration."""

    InputSerializer = RouteInputSerializer

    @_schema(RouteInputSerializer)
    def post(self, request: Request, reference: str) -> Response:
        return self.perform(request, reference)

    def act(
        self, *, ticket_id: int, actor: User, expected_version: int | None, values: dict[str, Any]
    ) -> None:
        casework.ticket_route(
            ticket_id=ticket_id,
            agent=actor,
            route=route_by_code(code=values["route"]),
            note=values["note"],
            expected_version=expected_version,
        )


class TicketReopenApi(ActionApi):
    """Put a refused, routed or expired ticket back in the queue (supervisors and integrations)."""

    InputSerializer = NoteSerializer

    @_schema(NoteSerializer)
    def post(self, request: Request, reference: str) -> Response:
        return self.perform(request, reference)

    def act(
        self, *, ticket_id: int, actor: User, expected_version: int | None, values: dict[str, Any]
    ) -> None:
        casework.ticket_reopen(
            ticket_id=ticket_id, actor=actor, note=values["note"], expected_version=expected_version
        )
