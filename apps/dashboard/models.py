"""The dashboard's materialised summary: every figure it shows, computed by one job each minute."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DashboardSnapshot(models.Model):
    """The latest result of the dashboard's aggregate queries (one row, replaced each minute).

    With a million tickets the aggregates take about a second of database time, too long for a
    page; the page reads this row instead and says how old it is. `figures` holds the raw rows of
    apps.dashboard.selectors (open_rows, urgent_rows, history_rows) and the policy they were cut by.
    """

    SINGLETON_PK = 1

    computed_at = models.DateTimeField(_("figures as of"))
    duration_ms = models.PositiveIntegerField(_("computed in (ms)"))
    figures = models.JSONField(_("figures"), encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="dashboardsnapshot_singleton")]

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M:%S} UTC"
