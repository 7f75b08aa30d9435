from datetime import datetime

from tests.sla.clockdata import SHANGHAI


def shanghai(text: str) -> datetime:
    """An aware datetime from 'YYYY-MM-DD HH:MM[:SS]' read in Asia/Shanghai."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
