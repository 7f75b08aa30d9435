"""Idempotent writes: a request retried with the same `Idempotency-Key` gets the first response.

How: before the view runs, one row (owner, key, method, path) is inserted in its own transaction;
the unique constraint lets exactly one request hold it. The view then runs in a transaction that
also stores its response on that row, so a response is replayed if and only if its effects were
committed. A view that raises or answers 5xx committed nothing: the row is released and the same
key may be sent again. The release runs on a new connection when the view's died (a database
restart), and a claim left behind anyway is taken over once its request must be over
(`PROCESSING_LEASE`). Rows expire after a day (`conf.idempotency_ttl`).

    class TicketCreateApi(IdempotentMixin, APIView):
        def post(self, request): ...        # wrapped automatically

or decorate one handler with `@idempotent`.
"""

import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from apps.core import clock
from apps.core.reconnect import DATABASE_ERRORS, on_fresh_connection
from apps.integrations import conf
from apps.integrations.models import IdempotencyRecord, IdempotencyStatus
from apps.integrations.permissions import api_key_of

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location", "Content-Location", "ETag")
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, no spaces
# A claim older than this whose request never finished belongs to a request that is over: gunicorn
# answers or kills it within its 30 s timeout, and a claim whose release failed (the database
# stayed away past `reconnect.RETRY_WAITS`) must not refuse the client's retries for long.
# Taking over a claim whose request is somehow still running is safe: see `_complete`.
PROCESSING_LEASE = timedelta(seconds=45)
PURGE_BATCH_SIZE = 5000
FILE_CHUNK = 64 * 1024

Handler = TypeVar("Handler", bound=Callable[..., Response])


class IdempotencyKeyInUse(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy(
        "A request with this Idempotency-Key is still being processed. Retry in a moment."
    )
    default_code = "idempotency_key_in_use"
    wait = 1  # read by DRF's exception handler: sets Retry-After


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy(
        "This Idempotency-Key was already used for a different request. "
        "Use a new key for a new request."
    )
    default_code = "idempotency_key_reused"


class _ClaimLost(Exception):
    """The claim was taken over while the view ran: its writes must not commit."""


def _owner(request: Request) -> str | None:
    key = api_key_of(request)
    if key is not None:
        return f"key:{key.pk}"
    user = request.user
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def request_fingerprint(request: Request) -> str:
    """SHA-256 of what the request asks for: its query and parsed body, files by their content.

    The parsed body, not the raw bytes: a multipart retry has a new boundary, a JSON retry may
    order keys differently, and neither is a different request.
    """
    digest = hashlib.sha256()
    digest.update(request.META.get("QUERY_STRING", "").encode())
    digest.update(b"\0")
    data = request.data
    if isinstance(data, MultiValueDict):
        for name in sorted(data.keys()):
            for value in data.getlist(name):
                digest.update(json.dumps(name).encode())
                if isinstance(value, UploadedFile):
                    for chunk in value.chunks(FILE_CHUNK):
                        digest.update(chunk)
                    value.seek(0)
                else:
                    digest.update(json.dumps(value).encode())
    else:
        digest.update(json.dumps(data, sort_keys=True, cls=JSONEncoder).encode())
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    headers = {**record.response_headers, REPLAYED_HEADER: "true"}
    return Response(record.response_body, status=record.response_status, headers=headers)


def _claim(
    *, owner: str, key: str, request: Request, fingerprint: str, now: datetime
) -> IdempotencyRecord | Response:
    """Hold the key for this request, or answer from (or refuse because of) the one who holds it."""
    fields = {"owner": owner, "key": key, "method": request.method, "path": request.path[:500]}
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(**fields, request_sha256=fingerprint, created_at=now)
        except IntegrityError:
            pass
        held = IdempotencyRecord.objects.filter(**fields).first()
        if held is None:  # released between our insert and our read: try again
            continue
        expired = held.created_at <= now - conf.idempotency_ttl()
        abandoned = held.status == IdempotencyStatus.PROCESSING and held.created_at <= now - PROCESSING_LEASE
        if expired or abandoned:
            IdempotencyRecord.objects.filter(pk=held.pk, created_at=held.created_at).delete()
            continue
        if held.request_sha256 != fingerprint:
            raise IdempotencyKeyReused()
        if held.status == IdempotencyStatus.PROCESSING:
            raise IdempotencyKeyInUse()
        return _replay(held)
    raise IdempotencyKeyInUse()


def _complete(claim: IdempotencyRecord, response: Response) -> None:
    """Store the response on the claim, inside the view's transaction."""
    body = json.loads(json.dumps(response.data, cls=JSONEncoder))
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    stored = IdempotencyRecord.objects.filter(pk=claim.pk, status=IdempotencyStatus.PROCESSING).update(
        status=IdempotencyStatus.COMPLETED,
        response_status=response.status_code,
        response_body=body,
        response_headers=headers,
        completed_at=clock.now(),
    )
    if not stored:
        raise _ClaimLost()


def _release(claim: IdempotencyRecord) -> None:
    """Free the key for a retry; on a new connection if the view's died (see `reconnect`)."""

    def delete() -> None:
        IdempotencyRecord.objects.filter(pk=claim.pk, status=IdempotencyStatus.PROCESSING).delete()

    try:
        on_fresh_connection(delete, what=f"releasing Idempotency-Key claim {claim.pk}")
    except DATABASE_ERRORS:  # the database stayed away: the lease frees the key instead
        logger.exception("could not release Idempotency-Key claim %s; it expires with its lease", claim.pk)


def idempotent(handler: Handler) -> Handler:
    """Make an APIView handler replay its first response to requests with the same Idempotency-Key."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        owner = _owner(request)
        if key is None or owner is None:
            return handler(view, request, *args, **kwargs)
        if not KEY_PATTERN.match(key):
            raise exceptions.ValidationError(
                {HEADER: [_("Use 1 to 255 visible ASCII characters, for example a UUID.")]}
            )
        claim = _claim(
            owner=owner, key=key, request=request, fingerprint=request_fingerprint(request), now=clock.now()
        )
        if isinstance(claim, Response):
            return claim
        try:
            with transaction.atomic():
                response = handler(view, request, *args, **kwargs)
                if response.status_code >= status.HTTP_500_INTERNAL_SERVER_ERROR:
                    transaction.set_rollback(True)
                else:
                    _complete(claim, response)
        except _ClaimLost:
            raise IdempotencyKeyInUse() from None
        except BaseException:
            _release(claim)
            raise
        if response.status_code >= status.HTTP_500_INTERNAL_SERVER_ERROR:
            _release(claim)
        return response

    wrapper._idempotent = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


class IdempotentMixin:
    """Wrap the write handlers a subclass defines (`idempotent_methods`) with `idempotent`."""

    idempotent_methods: tuple[str, ...] = ("post", "patch")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.idempotent_methods:
            handler = cls.__dict__.get(name)
            if handler is not None and not getattr(handler, "_idempotent", False):
                setattr(cls, name, idempotent(handler))


def idempotency_records_purge(*, now: datetime, batch_size: int = PURGE_BATCH_SIZE) -> int:
    """Delete records past their time to live, in batches; return how many."""
    cutoff = now - conf.idempotency_ttl()
    total = 0
    while True:
        ids = list(
            IdempotencyRecord.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return total
        total += IdempotencyRecord.objects.filter(pk__in=ids).delete()[0]
