"""Render administrators' notice templates in a sandbox: a few safe tags, plain values, nothing else.

A template is Django template syntax run by its own engine: no `{% load %}` (no library is
reachable), no `{% include %}`/`{% extends %}` (no loader, and the tags are not there), no `{% url %}`
or `{% csrf_token %}`. The context holds only strings, so a template cannot walk to a model and its
relations. A variable the context lacks renders empty. HTML is escaped in the e-mail's HTML part only.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.template import (
    Context,
    Engine,
    Library,
    Template,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.utils import translation

from apps.sla.presenter import humanize, parse_moment

SAFE_TAGS = (
    "autoescape",
    "comment",
    "cycle",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "now",
    "spaceless",
    "templatetag",
    "verbatim",
    "with",
)
UNSAFE_FILTERS = ("pprint",)  # shows Python's repr of a value


@dataclass(frozen=True)
class Bilingual:
    """A value written in both languages; the requester's language picks one when rendering."""

    zh: str
    en: str

    def pick(self, language: str) -> str:
        return self.en if language == "en" else self.zh


@dataclass(frozen=True)
class MomentPhrase:
    """A moment inside words in each language ("{}前" / "by {}"), read as the requester reads it."""

    moment: datetime
    zh: str
    en: str


# What a context value may be before rendering: text, a moment (shown in the service's time zone),
# a span of time (humanized: "2 天 3 小时"), a wall-clock time (HH:MM), words in both languages, or a
# moment inside such words.
ContextValue = str | int | datetime | timedelta | time | Bilingual | MomentPhrase | None


@lru_cache(maxsize=1)
def sandbox() -> Engine:
    """The engine notice templates run in: the safe tags, the default filters, no libraries."""
    library = Library()
    for name in SAFE_TAGS:
        library.tags[name] = defaulttags.register.tags[name]
    library.filters.update(
        {name: f for name, f in defaultfilters.register.filters.items() if name not in UNSAFE_FILTERS}
    )
    engine = Engine(dirs=[], app_dirs=False, libraries={}, loaders=[], string_if_invalid="")
    engine.template_builtins = [library]
    engine.template_libraries = {}
    return engine


@lru_cache(maxsize=1024)
def template_compile(source: str) -> Template:
    """Compile a template (once per text); raise TemplateSyntaxError with Django's message when it does not.

    A compiled template holds no state between renders, so one compiled text serves every notice.
    """
    return sandbox().from_string(source)


def template_error(source: str) -> str | None:
    """Why `source` does not compile, or None when it does."""
    try:
        template_compile(source)
    except TemplateSyntaxError as error:
        return str(error)
    return None


def template_render(source: str, context: Mapping[str, str], *, html: bool = False) -> str:
    """Render `source` with `context` (strings only); HTML-escape values only for an HTML part."""
    if not source:
        return ""
    rendered = template_compile(source).render(Context(dict(context), autoescape=html))
    return rendered if html else rendered.strip()


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def local_moment(moment: datetime, *, tz: ZoneInfo, language: str) -> str:
    """A moment as the requester reads it, in the service's time zone: 12月5日 09:00 / 5 Dec 09:00."""
    local = moment.astimezone(tz)
    if language == "en":
        return f"{local.day} {MONTHS_EN[local.month - 1]} {local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def context_flatten(context: Mapping[str, ContextValue], *, tz: ZoneInfo, language: str) -> dict[str, str]:
    """Turn every value into the text the requester reads, in their language and time zone."""
    flat: dict[str, str] = {}
    for name, value in context.items():
        if value is None:
            flat[name] = ""
        elif isinstance(value, Bilingual):
            flat[name] = value.pick(language)
        elif isinstance(value, MomentPhrase):
            phrase = value.en if language == "en" else value.zh
            flat[name] = phrase.format(local_moment(value.moment, tz=tz, language=language))
        elif isinstance(value, timedelta):
            with translation.override(language):
                flat[name] = humanize(value, translation.gettext)
        elif isinstance(value, time):
            flat[name] = f"{value:%H:%M}"
        elif (moment := parse_moment(value)) is not None:
            # A datetime, or one that travelled through JSON as ISO text: never shown raw.
            flat[name] = local_moment(moment, tz=tz, language=language)
        else:
            flat[name] = str(value)
    return flat
