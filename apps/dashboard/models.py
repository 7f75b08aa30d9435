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


class DashboardExport(models.Model):
    """One download of dashboard figures or tickets: who, when, what and the filter. Append-only.

    Exports carry data out of the product, so each is recorded; the ticket event log cannot hold
    them (each of its rows belongs to one ticket) and no other access record exists.
    """

    TICKETS = "tickets"  # `what` of the ticket-level export; otherwise a chart's key

    exported_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    exported_at = models.DateTimeField(_("when"), db_index=True)
    what = models.CharField(_("what"), max_length=40, help_text=_("A chart's key, or “tickets”."))
    filters = models.JSONField(_("filter"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-exported_at", "-id"]
        verbose_name = _("dashboard export")
        verbose_name_plural = _("dashboard exports")

    def __str__(self) -> str:
        return f"{self.what} {self.exported_at:%Y-%m-%d %H:%M:%S} UTC"
