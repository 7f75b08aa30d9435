"""Evidence: upload to a ticket (multipart, the portal's content checks), list, download."""

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.access import acting_agent, evidence_for_caller, request_person, ticket_for_caller
from apps.api.base import ApiView, ApiWriteView
from apps.api.fields import CodeField
from apps.api.schema import IDEMPOTENCY_KEY_PARAMETER, WRITE_ERRORS, errors
from apps.api.serializers import EvidenceSerializer
from apps.core.errors import ApplicationError
from apps.core.fields import StrictSlugField
from apps.evidence.checks import DOCX_MIME, PDF_MIME
from apps.evidence.models import EvidenceFile
from apps.evidence.services import evidence_upload
from apps.evidence.views import evidence_file_response
from apps.intake.selectors import ticket_required_documents
from apps.policy.models import EvidenceTier


class TicketEvidenceApi(ApiWriteView):
    """GET: the ticket's evidence files. POST: attach one (PDF, or DOCX for images; size per policy).

    A refused file answers 400: `extra.code` is one of apps.evidence.checks.Refusal (none of which
    the API maps to another status), `message` says what was found and how to fix it.
    """

    required_scopes = {"GET": "evidence:read", "POST": "evidence:write"}
    parser_classes = [MultiPartParser, FormParser]

    class EvidenceUploadInputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text="PDF, or a Word (DOCX) document for images.")
        tier = CodeField(queryset=EvidenceTier.objects.all())
        document = StrictSlugField(
            required=False,
            allow_blank=True,
            max_length=40,
            help_text="The code of a document this ticket requires, if the file is one.",
        )

    @extend_schema(
        operation_id="tickets_evidence_list", responses={200: EvidenceSerializer(many=True), **errors(404)}
    )
    def get(self, request: Request, reference: str) -> Response:
        ticket = ticket_for_caller(request, reference)
        files = (
            EvidenceFile.objects.filter(ticket=ticket)
            .select_related("tier", "document")
            .order_by("uploaded_at", "pk")
        )
        return Response(EvidenceSerializer(files, many=True).data)

    @extend_schema(
        operation_id="tickets_evidence_upload",
        request={"multipart/form-data": EvidenceUploadInputSerializer},
        responses={201: EvidenceSerializer, **errors(*WRITE_ERRORS)},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    def post(self, request: Request, reference: str) -> Response:
        ticket = ticket_for_caller(request, reference)
        data = self.EvidenceUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        document = None
        if values.get("document"):
            required = {
                check.document.code: check.document for check in ticket_required_documents(ticket=ticket)
            }
            document = required.get(values["document"])
            if document is None:
                message = gettext("This ticket does not require this document. Use one of: %(codes)s.") % {
                    "codes": ", ".join(required) or "-"
                }
                raise ApplicationError(message, extra={"code": "invalid", "fields": {"document": [message]}})
        upload = values["file"]
        uploader = request_person(request) or acting_agent(request)
        evidence = evidence_upload(
            ticket=ticket,
            uploaded_by=uploader,
            file=upload,
            original_name=upload.name or "",
            tier=values["tier"],
            document=document,
        )
        return Response(
            EvidenceSerializer(evidence).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:evidence_download", kwargs={"pk": evidence.pk})},
        )


class EvidenceDownloadApi(ApiView):
    """The file itself, with the headers of the web download: a browser can never run it."""

    required_scopes = {"GET": "evidence:read"}

    # The path parameter {pk} and its type come from the URL's <id:pk> converter.
    @extend_schema(
        responses={
            (200, PDF_MIME): OpenApiResponse(OpenApiTypes.BINARY, description="A PDF, shown inline."),
            (200, DOCX_MIME): OpenApiResponse(
                OpenApiTypes.BINARY, description="A Word document, as a download."
            ),
            **errors(404),
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        # The <id:pk> converter lets through digits only, as many as a bigint has.
        evidence = evidence_for_caller(request, pk)
        return evidence_file_response(evidence)
