"""Intake steps 2-5 of a draft: the complaint number, identity, the letter, submission; or abandon it.

Each calls the intake, identity or letter service the portal calls, as the ticket's requester.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.views import client_ip
from apps.api.access import intake_ticket_and_requester, ticket_for_caller
from apps.api.base import ApiView, ApiWriteView
from apps.api.presenters import identity_data, ticket_detail
from apps.api.schema import IDEMPOTENCY_KEY_PARAMETER, WRITE_ERRORS, errors
from apps.api.serializers import IdentitySerializer, TicketDetailSerializer
from apps.core.fields import StrictBooleanField, StrictCharField, StrictChoiceField, StrictIntegerField
from apps.identity.providers import answer_field
from apps.identity.selectors import identity_attempt_message, identity_progress
from apps.identity.services import identity_attempt, identity_challenge_send
from apps.intake import services as intake
from apps.policy.models import IdentityMethod
from apps.tickets.letter_coach_messages import findings_render
from apps.tickets.letters import letter_check, letter_save
from apps.tickets.models import Letter

WRITE_RESPONSES = {200: TicketDetailSerializer, **errors(*WRITE_ERRORS)}


class TicketComplaintApi(ApiWriteView):
    """Step 2: the complaint number, checked against the platform's format and looked up.

    A fraud report, or a complaint already handled, is refused here and kept: the answer is the
    ticket with status "refused" and the reason.
    """

    required_scopes = {"POST": "tickets:write"}

    class ComplaintNumberInputSerializer(serializers.Serializer):
        number = StrictCharField(max_length=64)

    @extend_schema(
        request=ComplaintNumberInputSerializer,
        responses=WRITE_RESPONSES,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket, requester = intake_ticket_and_requester(request, reference)
        data = self.ComplaintNumberInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = intake.intake_complaint_confirm(
            ticket_id=ticket.pk, requester=requester, number=data.validated_data["number"]
        )
        return Response(ticket_detail(ticket))


class IdentityAttemptOutputSerializer(serializers.Serializer):
    outcome = StrictChoiceField(choices=["passed", "rejected", "error"])
    message = StrictCharField()
    identity = IdentitySerializer()
    ticket = TicketDetailSerializer()


class TicketIdentityApi(ApiWriteView):
    """Step 3: one attempt of the platform's next identity method; every attempt is recorded.

    A rejected attempt is an answer, not an error (200, outcome "rejected"); the step is done when
    the platform's last method passes.
    """

    required_scopes = {"POST": "tickets:write"}

    class IdentityAttemptInputSerializer(serializers.Serializer):
        method = StrictChoiceField(choices=IdentityMethod.choices)
        answer = StrictCharField(
            max_length=200,
            allow_blank=True,
            help_text="What the method asks for: the SMS code, or the verification provider's token.",
        )

    @extend_schema(
        request=IdentityAttemptInputSerializer,
        responses={200: IdentityAttemptOutputSerializer, **errors(*WRITE_ERRORS)},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket, requester = intake_ticket_and_requester(request, reference)
        data = self.IdentityAttemptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        method = data.validated_data["method"]
        attempt = identity_attempt(
            ticket=ticket,
            user=requester,
            method=method,
            payload={answer_field(method): data.validated_data["answer"].strip()},
            ip_address=client_ip(request),
        )
        return Response(
            {
                "outcome": attempt.outcome,
                "message": identity_attempt_message(attempt=attempt),
                "identity": IdentitySerializer(identity_data(identity_progress(ticket=ticket))).data,
                "ticket": ticket_detail(ticket),
            }
        )


class ChallengeOutputSerializer(serializers.Serializer):
    sent_to = StrictCharField(help_text="The requester's number, masked.")
    expires_at = serializers.DateTimeField()


class TicketIdentityChallengeApi(ApiWriteView):
    """Send the code a method needs (the SMS code) to the requester, at most once a minute."""

    required_scopes = {"POST": "tickets:write"}

    class IdentityChallengeInputSerializer(serializers.Serializer):
        method = StrictChoiceField(choices=IdentityMethod.choices)

    @extend_schema(
        request=IdentityChallengeInputSerializer,
        responses={200: ChallengeOutputSerializer, **errors(*WRITE_ERRORS)},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket, requester = intake_ticket_and_requester(request, reference)
        data = self.IdentityChallengeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        challenge = identity_challenge_send(
            ticket=ticket, user=requester, method=data.validated_data["method"]
        )
        return Response(
            ChallengeOutputSerializer({"sent_to": challenge.sent_to, "expires_at": challenge.expires_at}).data
        )


class LetterFieldsSerializer(serializers.Serializer):
    complaint_time = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the complaint was made, to the minute (ISO 8601)."
    )
    respondent = StrictCharField(required=False, allow_blank=True, default="", max_length=200)
    reason = StrictCharField(required=False, allow_blank=True, default="", max_length=1000)
    body = StrictCharField(required=False, allow_blank=True, default="", max_length=5000)


class FindingSerializer(serializers.Serializer):
    code = StrictCharField()
    severity = StrictCharField()
    message = StrictCharField()
    field = StrictCharField(allow_null=True, required=False)


class LetterOutputSerializer(serializers.Serializer):
    complaint_time = serializers.DateTimeField(allow_null=True)
    respondent = StrictCharField()
    reason = StrictCharField()
    body = StrictCharField()
    score = StrictIntegerField(allow_null=True)
    findings = FindingSerializer(many=True)


class LetterCheckOutputSerializer(serializers.Serializer):
    score = StrictIntegerField()
    ready = StrictBooleanField()
    findings = FindingSerializer(many=True)


def _letter_data(letter: Letter | None) -> dict[str, object]:
    if letter is None:
        return {
            "complaint_time": None,
            "respondent": "",
            "reason": "",
            "body": "",
            "score": None,
            "findings": [],
        }
    return {
        "complaint_time": letter.complaint_time,
        "respondent": letter.respondent,
        "reason": letter.reason,
        "body": letter.body,
        "score": letter.coach_score,
        "findings": findings_render(letter.coach_findings),
    }


class TicketLetterApi(ApiWriteView):
    """GET: the letter with the coach's findings. POST: save it; with "complete", finish step 4."""

    required_scopes = {"GET": "tickets:read", "POST": "tickets:write"}

    class LetterSaveInputSerializer(LetterFieldsSerializer):
        complete = StrictBooleanField(
            default=False,
            help_text="Also finish step 4: the letter must state the time, respondent and reason.",
        )

    class LetterSaveOutputSerializer(serializers.Serializer):
        letter = LetterOutputSerializer()
        ticket = TicketDetailSerializer()

    @extend_schema(
        operation_id="tickets_letter_retrieve", responses={200: LetterOutputSerializer, **errors(404)}
    )
    def get(self, request: Request, reference: str) -> Response:
        ticket = ticket_for_caller(request, reference)
        return Response(
            LetterOutputSerializer(_letter_data(Letter.objects.filter(ticket=ticket).first())).data
        )

    @extend_schema(
        operation_id="tickets_letter_save",
        request=LetterSaveInputSerializer,
        responses={200: LetterSaveOutputSerializer, **errors(*WRITE_ERRORS)},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket, requester = intake_ticket_and_requester(request, reference)
        data = self.LetterSaveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        complete = values.pop("complete")
        values.setdefault("complaint_time", None)
        letter = letter_save(ticket=ticket, actor=requester, **values)
        if complete:
            ticket = intake.intake_letter_complete(ticket_id=ticket.pk, requester=requester)
        return Response(
            {"letter": LetterOutputSerializer(_letter_data(letter)).data, "ticket": ticket_detail(ticket)}
        )


class TicketLetterCheckApi(ApiView):
    """Check a letter as typed, saving nothing: the coach's score and findings."""

    required_scopes = {"POST": "tickets:write"}

    @extend_schema(
        request=LetterFieldsSerializer,
        responses={200: LetterCheckOutputSerializer, **errors(400, 404, 413, 415)},
    )
    def post(self, request: Request, reference: str) -> Response:
        intake_ticket_and_requester(request, reference)
        data = LetterFieldsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = letter_check(
            complaint_time=values.get("complaint_time"),
            respondent=values["respondent"],
            reason=values["reason"],
            body=values["body"],
        )
        return Response(
            LetterCheckOutputSerializer(
                {"score": report.score, "ready": report.ready, "findings": findings_render(report.findings)}
            ).data
        )


class TicketSubmitApi(ApiWriteView):
    """Step 5: send the request; it is received now, or at the next opening of service hours."""

    required_scopes = {"POST": "tickets:write"}

    @extend_schema(request=None, responses=WRITE_RESPONSES, parameters=[IDEMPOTENCY_KEY_PARAMETER])
    def post(self, request: Request, reference: str) -> Response:
        ticket, requester = intake_ticket_and_requester(request, reference)
        ticket = intake.intake_submit(ticket_id=ticket.pk, requester=requester)
        return Response(ticket_detail(ticket))


class TicketAbandonApi(ApiWriteView):
    """Throw away a draft the requester no longer wants."""

    required_scopes = {"POST": "tickets:write"}

    @extend_schema(request=None, responses=WRITE_RESPONSES, parameters=[IDEMPOTENCY_KEY_PARAMETER])
    def post(self, request: Request, reference: str) -> Response:
        ticket, requester = intake_ticket_and_requester(request, reference)
        ticket = intake.intake_abandon(ticket_id=ticket.pk, requester=requester)
        return Response(ticket_detail(ticket))
