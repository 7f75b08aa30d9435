"""Helpers of the evidence tests: staff in a role, and an upload through the service."""

import io

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import User
from apps.accounts.roles import roles_sync
from apps.evidence.models import EvidenceFile
from apps.evidence.services import evidence_upload
from apps.policy.models import EvidenceTier
from apps.tickets.models import WithdrawalTicket
from tests.factories import UserFactory


def staff_in(role: str, **fields: object) -> User:
    roles_sync()  # idempotent: the groups carry exactly the permissions the code defines
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def upload(
    ticket: WithdrawalTicket,
    content: bytes,
    name: str = "证据.pdf",
    *,
    by: User | None = None,
    tier: str = "base",
    as_upload: bool = True,
) -> EvidenceFile:
    """Upload `content` as the ticket's requester (or `by`): as a browser's upload, or a plain stream."""
    file = SimpleUploadedFile(name, content) if as_upload else io.BytesIO(content)
    return evidence_upload(
        ticket=ticket, uploaded_by=by or ticket.requester, file=file, original_name=name,
        tier=EvidenceTier.objects.get(code=tier),
    )
