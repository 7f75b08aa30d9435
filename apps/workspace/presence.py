"""Who has a case page open: each poll of the page says "I am looking", for a short while.

One cache entry per ticket maps each viewer's id to their name and the moment of their last poll;
a viewer whose last poll is older than PRESENCE_TTL is gone. Two polls landing at once may drop
one viewer's line (read, change, write), but each viewer writes again at their next poll, so the
list heals within one poll interval: presence is a courtesy, not a lock. When the cache is down
presence is simply empty: it never fails the page.
"""

import logging
from datetime import datetime

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PRESENCE_TTL = 30  # seconds: three missed polls and a viewer is gone
KEY = "workspace:viewing:{ticket_id}"
CACHE_ERRORS = (RedisError, OSError)  # Redis in production; the file cache in development

Viewers = dict[str, tuple[str, float]]  # user id (a cache-safe key) -> (name, last poll as a timestamp)


def _fresh(viewers: object, now: datetime) -> Viewers:
    """The entries still within the TTL; anything malformed (an older format) is dropped."""
    if not isinstance(viewers, dict):
        return {}
    cutoff = now.timestamp() - PRESENCE_TTL
    fresh: Viewers = {}
    for user_id, seen in viewers.items():
        well_formed = isinstance(seen, (list, tuple)) and len(seen) == 2 and isinstance(seen[1], (int, float))
        if well_formed and seen[1] > cutoff:
            fresh[str(user_id)] = (str(seen[0]), float(seen[1]))
    return fresh


def presence_touch(*, ticket_id: int, user_id: int, name: str, now: datetime) -> list[str]:
    """Record that this user is viewing the ticket now; return the other viewers' names, sorted."""
    key = KEY.format(ticket_id=ticket_id)
    try:
        viewers = _fresh(cache.get(key), now)
        viewers[str(user_id)] = (name, now.timestamp())
        cache.set(key, viewers, timeout=PRESENCE_TTL)
    except CACHE_ERRORS:
        logger.warning("presence: the cache is unavailable; nobody is shown as viewing", exc_info=True)
        return []
    return sorted(seen_name for viewer, (seen_name, _at) in viewers.items() if viewer != str(user_id))


def presence_leave(*, ticket_id: int, user_id: int, now: datetime) -> None:
    """Forget this viewer at once (the page was closed), instead of after the TTL."""
    key = KEY.format(ticket_id=ticket_id)
    try:
        viewers = _fresh(cache.get(key), now)
        if viewers.pop(str(user_id), None) is not None:
            cache.set(key, viewers, timeout=PRESENCE_TTL)
    except CACHE_ERRORS:
        logger.warning("presence: the cache is unavailable", exc_info=True)
