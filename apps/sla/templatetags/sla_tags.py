"""Template tags of the clock for staff pages."""

from django import template

from apps.core import clock
from apps.sla.selectors import calendar_missing_years_cached

register = template.Library()


@register.inclusion_tag("sla/calendar_warning.html")
def calendar_warning() -> dict[str, list[int]]:
    """Warn while a year the deadlines reach has no holiday schedule (checked every ten minutes)."""
    return {"missing_years": calendar_missing_years_cached(today=clock.now().date())}
