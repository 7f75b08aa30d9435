"""Charts of the period: deadlines met by day, platform, type and agent, and the success rate by type."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from apps.dashboard import charts
from apps.dashboard.charts import Chart, Kind, Raw, Reference, Series
from apps.dashboard.reports.common import compliance_counts, compliance_series, fraction
from apps.dashboard.selectors import DECISION, FIRST_CONTACT, OUTCOME, DashboardFigures


def _period(figures: DashboardFigures) -> dict[str, str]:
    days = figures.history.days
    return {"start": days[0].isoformat(), "end": days[-1].isoformat(), "days": str(len(days))}


def compliance_by_day(figures: DashboardFigures) -> Chart:
    days = figures.history.days
    return Chart(
        key="compliance-by-day",
        kind=Kind.LINE,
        title=_("Deadlines met by day"),
        description=_(
            "Two lines from %(start)s to %(end)s: the share of first-contact deadlines and of decision "
            "deadlines falling due each day that were met. A gap means no deadline fell due that day."
        )
        % _period(figures),
        category_label=_("Day"),
        categories=tuple(day.strftime("%m-%d") for day in days),
        series=compliance_series(figures, "day", list(days)),
        unit="%",
        empty_text=_("No deadline fell due in these days."),
        key_columns=("day",),
        keys=tuple((day.isoformat(),) for day in days),
        extra_columns=compliance_counts(figures, "day", list(days)),
    )


def compliance_by(
    figures: DashboardFigures,
    *,
    key: str,
    dimension: str,
    title: str,
    label: str,
    items: list[tuple[object, str]],
    key_columns: tuple[str, str],
    codes: Mapping[Any, str],
) -> Chart:
    keys = [pk for pk, _name in items]
    return Chart(
        key=key,
        kind=Kind.HBARS,
        title=title,
        description=_(
            "Pairs of bars: the share of first-contact and of decision deadlines met from %(start)s to "
            "%(end)s; the figures under each name are met/due for each deadline."
        )
        % _period(figures),
        category_label=label,
        categories=tuple(name for _pk, name in items),
        series=compliance_series(figures, dimension, keys),
        unit="%",
        notes_label=_("met/due: first contact · decision"),
        notes=tuple(
            fraction(
                figures.history.rate(FIRST_CONTACT, dimension, pk),
                figures.history.rate(DECISION, dimension, pk),
            )
            for pk in keys
        ),
        empty_text=_("No deadline fell due in these days."),
        key_columns=key_columns,
        keys=tuple((codes.get(pk, ""), name) for pk, name in items),
        extra_columns=compliance_counts(figures, dimension, keys),
    )


def agents_with_history(figures: DashboardFigures) -> list[tuple[object, str]]:
    """Agents with a profile, then anyone else who held tickets, then the unassigned."""
    names = {agent.user_id: agent.name for agent in figures.policy.agents}
    seen: set[int | None] = set()
    for measure in (FIRST_CONTACT, DECISION):
        seen.update(figures.history.rates.get(measure, {}).get("agent", {}))
    items: list[tuple[object, str]] = [(pk, name) for pk, name in names.items() if pk in seen]
    items += [(pk, _("user #%(id)s") % {"id": pk}) for pk in sorted(k for k in seen if k and k not in names)]
    if None in seen:
        items.append((None, _("unassigned")))
    return items


def success_by_type(figures: DashboardFigures) -> Chart:
    policy = figures.policy
    items: list[tuple[object, str]] = [(None, _("All types")), *policy.complaint_types]
    rates = [
        figures.history.overall(OUTCOME),
        *(figures.history.rate(OUTCOME, "type", pk) for pk, _name in policy.complaint_types),
    ]
    references = [
        Reference(
            _("Industry baseline"),
            float(policy.baseline_success_rate) * 100,
            charts.MUTED,
            "industry_baseline",
        )
    ]
    if policy.official_route_rate is not None:
        references.append(
            Reference(
                _("%(route)s, industry figure") % {"route": policy.official_route_name},
                float(policy.official_route_rate) * 100,
                charts.GOOD,
                "official_customer_service",
            )
        )
    codes: dict[Any, str] = {None: "all", **policy.type_codes}
    approved: tuple[Raw, ...] = tuple(rate.good for rate in rates)
    decided: tuple[Raw, ...] = tuple(rate.counted for rate in rates)
    return Chart(
        key="success-by-type",
        kind=Kind.HBARS,
        title=_("Withdrawal success rate by complaint type"),
        description=_(
            "Bars: approved tickets as a share of the tickets decided from %(start)s to %(end)s, by "
            "complaint type; dashed lines: the industry baseline and the success rate of official "
            "customer service."
        )
        % _period(figures),
        category_label=_("Complaint type"),
        categories=tuple(name for _pk, name in items),
        series=(
            Series(
                name=_("Approved of decided"), values=tuple(r.percent for r in rates), column="approved_share"
            ),
        ),
        unit="%",
        notes_label=_("approved/decided"),
        notes=tuple(fraction(rate) for rate in rates),
        references=tuple(references),
        empty_text=_("No ticket was decided in these days."),
        key_columns=("complaint_type", "complaint_type_name"),
        keys=tuple((codes.get(pk, ""), name) for pk, name in items),
        extra_columns=(("approved", approved), ("decided", decided)),
    )
