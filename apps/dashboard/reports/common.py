"""What the dashboard's charts share: colours and how rates are written under a bar."""

from django.utils.translation import gettext as _

from apps.dashboard import charts
from apps.dashboard.charts import Raw, Series
from apps.dashboard.selectors import DECISION, FIRST_CONTACT, DashboardFigures, Rate

FIRST_CONTACT_COLOUR = charts.BRAND
DECISION_COLOUR = "#d97706"


def stage_colour(index: int) -> str:
    return charts.STAGE_PALETTE[index % len(charts.STAGE_PALETTE)]


def fraction(*rates: Rate) -> str:
    return " · ".join(f"{rate.good}/{rate.counted}" for rate in rates)


def compliance_series(figures: DashboardFigures, dimension: str, keys: list[object]) -> tuple[Series, ...]:
    hours = figures.policy.first_contact_hours
    return (
        Series(
            name=_("First contact within %(hours)s h") % {"hours": hours},
            values=tuple(figures.history.rate(FIRST_CONTACT, dimension, key).percent for key in keys),
            colour=FIRST_CONTACT_COLOUR,
            column="first_contact_met_share",
        ),
        Series(
            name=_("Decision within the platform's limit"),
            values=tuple(figures.history.rate(DECISION, dimension, key).percent for key in keys),
            colour=DECISION_COLOUR,
            column="decision_met_share",
        ),
    )


def compliance_counts(
    figures: DashboardFigures, dimension: str, keys: list[object]
) -> tuple[tuple[str, tuple[Raw, ...]], ...]:
    """The met and counted deadlines behind each share, as raw export columns."""
    columns: list[tuple[str, tuple[Raw, ...]]] = []
    for measure in (FIRST_CONTACT, DECISION):
        rates = [figures.history.rate(measure, dimension, key) for key in keys]
        columns.append((f"{measure}_met", tuple(rate.good for rate in rates)))
        columns.append((f"{measure}_counted", tuple(rate.counted for rate in rates)))
    return tuple(columns)
