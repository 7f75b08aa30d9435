"""Template tags of the clock for staff pages."""

from django import template
from django.core.cache import cache

from apps.core import clock
from apps.sla.selectors import calendar_missing_years

register = template.Library()
CHECK_SECONDS = 600


@register.inclusion_tag("sla/calendar_warning.html")
def calendar_warning() -> dict[str, list[int]]:
    """Warn while a year the deadlines reach has no holiday schedule (checked every ten minutes)."""
    today = clock.now().date()
    key = f"sla:calendar-missing:{today.isoformat()}"
    years = cache.get(key)
    if years is None:
        years = calendar_missing_years(today=today)
        cache.set(key, years, CHECK_SECONDS)
    return {"missing_years": years}
