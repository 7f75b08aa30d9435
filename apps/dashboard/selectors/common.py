"""What the dashboard's SQL reads share: display constants and the SQL helpers.

The measures' names and the limits the portable rows use too are in apps.dashboard.measures.
"""

from datetime import timedelta
from typing import Any

from django.db import connection

from apps.dashboard.filters import HISTORY_DAYS
from apps.tickets.models import WithdrawalTicket

__all__ = ["HISTORY_DAYS"]

# The snapshot is refreshed every minute by beat; older than this, beat is down: compute live.
SNAPSHOT_MAX_AGE = timedelta(minutes=5)
MAX_BUCKETS_PER_STAGE = 6
# The policy row code of the official customer-service route, drawn as a reference rate.
OFFICIAL_CUSTOMER_SERVICE = "official_customer_service"

TICKETS = WithdrawalTicket._meta.db_table


def postgresql() -> bool:
    """Whether the SQL can run; elsewhere the rows come from apps.dashboard.portable."""
    return connection.vendor == "postgresql"


def sql_in(values: Any) -> str:
    """A SQL list of fixed status codes (constants of the code, never user input)."""
    return "(" + ", ".join(f"'{value!s}'" for value in sorted(values)) + ")"
