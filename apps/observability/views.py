"""Operators' endpoints: liveness, readiness and the Prometheus scrape."""

import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from apps.observability.health import readiness_checks_run

logger = logging.getLogger(__name__)
LOOPBACK = {"127.0.0.1", "::1"}


@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """Answer 200 while the process serves requests; checks no dependency (a restart fixes none)."""
    return JsonResponse({"status": "ok"})


@require_GET
def health_ready(request: HttpRequest) -> JsonResponse:
    """200 when PostgreSQL, the cache and the broker answer; else 503, naming each check."""
    results = readiness_checks_run()
    for failed in (result for result in results if not result.ok):
        logger.warning("readiness check %s failed: %s", failed.name, failed.error)
    ready = all(result.ok for result in results)
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {result.name: result.as_json() for result in results},
    }
    return JsonResponse(body, status=200 if ready else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    """With CHEHUI_METRICS_TOKEN set, only `Authorization: Bearer <token>`; without, loopback only."""
    token = str(getattr(settings, "METRICS_TOKEN", "") or "")
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    return request.META.get("REMOTE_ADDR") in LOOPBACK


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus scrape."""
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    from apps.observability.metrics.exposition import metrics_text

    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
