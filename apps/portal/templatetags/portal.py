"""Template filters of the portal: bilingual policy text, durations and percentages people read."""

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.sla.presenter import humanize
from apps.sla.selectors import localized

register = template.Library()


@register.filter
def loc(obj: Any, field: str) -> str:
    """The policy row's text in the active language: {{ platform|loc:"name" }}."""
    return localized(obj, field) if obj is not None else ""


@register.filter
def bracketed(value: Any) -> SafeString:
    """A note in brackets of the page's language, with its own spacing: "（需公证处盖章）" in Chinese
    (the full-width brackets carry their space), " (notarised)" in English."""
    return format_html(pgettext("brackets around a note", " ({})"), value)


@register.filter
def duration(value: timedelta | None) -> str:
    """A time span as days, hours and minutes: "2 d 3 h", "3 h 12 min", "8 min" (apps.sla.presenter)."""
    if value is None:
        return ""
    return humanize(value, _)


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value * 100:.0f}%"


@register.filter
def percent_width(value: float | None) -> str:
    """A 0..1 figure as a CSS width, for meters."""
    return f"{max(0.0, min(1.0, value or 0.0)) * 100:.1f}%"


@register.filter
def local_time(value: datetime | None) -> str:
    """A moment in the site's time zone, to the minute."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@register.filter
def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """A dictionary's value in a template: {{ labels|get_item:tab }}."""
    return mapping.get(key, "") if mapping else ""


@register.filter
def percent1(value: float | None) -> str:
    """A small 0..1 figure as a percentage with one decimal: 0.0736 → 7.4%."""
    if value is None:
        return ""
    return f"{value * 100:.1f}%"
