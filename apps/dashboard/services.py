"""Writes of the dashboard: the materialised snapshot of its figures, and the record of each export."""

import time
from datetime import datetime

from apps.accounts.models import User
from apps.dashboard.filters import DashboardFilter
from apps.dashboard.models import DashboardExport, DashboardSnapshot
from apps.dashboard.selectors import dashboard_rows


def dashboard_snapshot_refresh(*, now: datetime) -> DashboardSnapshot:
    """Compute every dashboard figure as of `now` and replace the snapshot with it.

    Safe to run twice or at once: each run writes a complete snapshot over the single row, and
    an older result never replaces a newer one.
    """
    started = time.perf_counter()
    figures = dashboard_rows(now=now)
    duration_ms = round((time.perf_counter() - started) * 1000)
    snapshot, created = DashboardSnapshot.objects.get_or_create(
        pk=DashboardSnapshot.SINGLETON_PK,
        defaults={"computed_at": now, "duration_ms": duration_ms, "figures": figures},
    )
    if not created:
        DashboardSnapshot.objects.filter(pk=snapshot.pk, computed_at__lte=now).update(
            computed_at=now, duration_ms=duration_ms, figures=figures
        )
        snapshot.refresh_from_db()
    return snapshot


def dashboard_export_record(
    *, user: User, what: str, chosen: DashboardFilter, now: datetime
) -> DashboardExport:
    """Record that `user` exported `what` (a chart's key or DashboardExport.TICKETS) under a filter."""
    return DashboardExport.objects.create(
        exported_by=user, exported_at=now, what=what, filters=chosen.params()
    )
