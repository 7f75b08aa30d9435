"""What a supervisor narrows the dashboard to: a period of days, a team, a platform. Read from the URL.

The same filter cuts every figure, chart and export, and lives in the query string
(?from=2026-11-01&to=2026-11-14&team=3&platform=wechat) so a filtered view can be shared.

- The period is a range of calendar days in the policy's time zone (Asia/Shanghai by default).
  Rates count the deadlines falling due (and decisions made) on those days; without a period, the
  last HISTORY_DAYS days. Open tickets, the lists of deadlines and the ticket export count the
  tickets received on those days; without a period, every one.
- The team is the ticket's team (WithdrawalTicket.team, apps.accounts.Team); the agent load chart
  shows that team's agents.
- The platform is given by its code (wechat, alipay…), the same in every language.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext as _

HISTORY_DAYS = 14  # the period without one chosen: the last two weeks, today included
MAX_DAYS = 366
FIELDS = ("from", "to", "team", "platform")


@dataclass(frozen=True)
class DashboardFilter:
    date_from: date | None = None
    date_to: date | None = None
    team_id: int | None = None
    platform_id: int | None = None
    platform_code: str = ""

    @property
    def is_default(self) -> bool:
        return self == DashboardFilter()

    @property
    def dated(self) -> bool:
        return self.date_from is not None

    def params(self) -> dict[str, str]:
        """The filter as query parameters, only those set (the order of FIELDS)."""
        values = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "team": str(self.team_id) if self.team_id else "",
            "platform": self.platform_code,
        }
        return {key: value for key, value in values.items() if value}

    @property
    def query(self) -> str:
        """'?from=…&to=…' for links that keep the filter, or '' when nothing is filtered."""
        params = self.params()
        return "?" + urlencode(params) if params else ""

    def days(self, *, today: date) -> list[date]:
        """The calendar days the rates cover: the chosen period, else the last HISTORY_DAYS days."""
        first = self.date_from or today - timedelta(days=HISTORY_DAYS - 1)
        last = self.date_to or today
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def received_bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
        """[start, end) of the period as aware datetimes, or None: every ticket, whenever received."""
        if self.date_from is None or self.date_to is None:
            return None
        start = datetime.combine(self.date_from, time(0), tzinfo=tz)
        return start, datetime.combine(self.date_to + timedelta(days=1), time(0), tzinfo=tz)


def filter_parse(
    query: Mapping[str, str], *, today: date, teams: list[tuple[int, str]], platforms: dict[str, int]
) -> tuple[DashboardFilter, dict[str, str]]:
    """The filter in the query string and, by field, what is wrong with it (in the viewer's language).

    `platforms` maps each platform code to its id; `teams` lists (id, name). With only a start date
    the period runs to today; with only an end date it is the HISTORY_DAYS days up to it.
    """
    errors: dict[str, str] = {}
    raw = {key: (query.get(key) or "").strip() for key in FIELDS}
    dates: dict[str, date | None] = {}
    for key in ("from", "to"):
        dates[key] = None
        if raw[key]:
            try:
                dates[key] = date.fromisoformat(raw[key])
            except ValueError:
                errors[key] = _("Enter the date as year-month-day, e.g. %(example)s.") % {
                    "example": today.isoformat()
                }
    start, end = dates["from"], dates["to"]
    if start and not end and "to" not in errors:
        end = max(today, start)
    if end and not start and "from" not in errors:
        start = end - timedelta(days=HISTORY_DAYS - 1)
    if start and end and not errors:
        if start > end:
            errors["from"] = _("The start date (%(start)s) is after the end date (%(end)s).") % {
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
        elif (end - start).days + 1 > MAX_DAYS:
            errors["to"] = _("Choose a period of at most %(days)s days.") % {"days": MAX_DAYS}
    team_id = None
    if raw["team"]:
        known = {str(pk): pk for pk, _name in teams}
        team_id = known.get(raw["team"])
        if team_id is None:
            errors["team"] = _("There is no team “%(value)s”: choose one from the list.") % {
                "value": raw["team"]
            }
    platform_id = None
    if raw["platform"]:
        platform_id = platforms.get(raw["platform"])
        if platform_id is None:
            errors["platform"] = _("There is no platform “%(value)s”: choose one from the list.") % {
                "value": raw["platform"]
            }
    if errors:
        return DashboardFilter(), errors
    return DashboardFilter(
        date_from=start,
        date_to=end,
        team_id=team_id,
        platform_id=platform_id,
        platform_code=raw["platform"] if platform_id else "",
    ), {}


def ticket_conditions(
    chosen: DashboardFilter, tz: ZoneInfo, *, alias: str = ""
) -> tuple[str, dict[str, Any]]:
    """The filter as SQL to AND onto a WHERE over the tickets table, and its parameters."""
    prefix = f"{alias}." if alias else ""
    sql, params = "", {}
    if chosen.platform_id is not None:
        sql += f" AND {prefix}platform_id = %(filter_platform)s"
        params["filter_platform"] = chosen.platform_id
    if chosen.team_id is not None:
        sql += f" AND {prefix}team_id = %(filter_team)s"
        params["filter_team"] = chosen.team_id
    return sql, params


def received_conditions(chosen: DashboardFilter, tz: ZoneInfo) -> tuple[str, dict[str, Any]]:
    """ticket_conditions plus the period on the receipt time, for open tickets and the export."""
    sql, params = ticket_conditions(chosen, tz)
    bounds = chosen.received_bounds(tz)
    if bounds is not None:
        sql += " AND received_at >= %(filter_start)s AND received_at < %(filter_end)s"
        params["filter_start"], params["filter_end"] = bounds
    return sql, params


def ticket_q(chosen: DashboardFilter) -> Q:
    """The team and platform as an ORM condition on the tickets."""
    condition = Q()
    if chosen.platform_id is not None:
        condition &= Q(platform_id=chosen.platform_id)
    if chosen.team_id is not None:
        condition &= Q(team_id=chosen.team_id)
    return condition


def received_q(chosen: DashboardFilter, tz: ZoneInfo) -> Q:
    """ticket_q plus the period on the receipt time."""
    condition = ticket_q(chosen)
    bounds = chosen.received_bounds(tz)
    if bounds is not None:
        condition &= Q(received_at__gte=bounds[0], received_at__lt=bounds[1])
    return condition
