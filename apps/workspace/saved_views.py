"""Saved queue views: an agent names the queue as they filtered it, and finds it again in one click."""

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext

from apps.accounts.models import User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.workspace.models import MAX_SAVED_VIEWS, SavedView

NAME_MAX = 60
QUERY_MAX = 500
# What a view keeps of the queue's address: its tab, filters, search and sort; never a page cursor.
QUERY_KEYS = ("tab", "q", "platform", "type", "stage", "special_case", "urgency", "missing", "sort", "dir")


def view_query(query: str) -> str:
    """The part of a queue query string a saved view keeps, in a fixed order."""
    given = QueryDict(query)
    kept = QueryDict("", mutable=True)
    for key in QUERY_KEYS:
        value = given.get(key, "")
        if value:
            kept[key] = str(value)
    return kept.urlencode()[:QUERY_MAX]


def saved_views_of(*, user: User) -> list[SavedView]:
    return list(SavedView.objects.filter(owner=user).order_by("name"))


def saved_view_save(*, owner: User, name: str, query: str) -> SavedView:
    """Save (or replace, under the same name) a view; refuse an empty or too long name, or too many."""
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(
            gettext("Give the view a name, for example “WeChat, breached”."), extra={"code": "required"}
        )
    if len(name) > NAME_MAX:
        raise ApplicationError(
            gettext("A view's name has at most %(max)s characters.") % {"max": NAME_MAX},
            extra={"code": "too_long"},
        )
    query = view_query(query)
    with transaction.atomic():
        existing = SavedView.objects.select_for_update().filter(owner=owner, name=name).first()
        if existing is not None:
            existing.query = query
            existing.save(update_fields=["query"])
            return existing
        if SavedView.objects.filter(owner=owner).count() >= MAX_SAVED_VIEWS:
            raise ApplicationError(
                gettext("You have %(max)s saved views: delete one first.") % {"max": MAX_SAVED_VIEWS},
                extra={"code": "too_many"},
            )
        try:
            with transaction.atomic():
                return SavedView.objects.create(owner=owner, name=name, query=query, created_at=clock.now())
        except IntegrityError:  # the same name saved a moment ago in another tab
            view = SavedView.objects.get(owner=owner, name=name)
            view.query = query
            view.save(update_fields=["query"])
            return view


def saved_view_delete(*, owner: User, view_id: int) -> None:
    """Delete one of the owner's views; another person's is left alone (and not revealed)."""
    SavedView.objects.filter(owner=owner, pk=view_id).delete()
