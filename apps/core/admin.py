"""Admin building blocks shared by the apps, and who may use the admin at all.

The admin is for configuration and record-keeping by supervisors and administrators (superusers).
Agents are staff, so they can sign in on the staff login, but they work tickets in the workspace:
the admin site turns them away from every page except signing out and changing their password.
Behind that, every admin of a ticket's rows shows a non-superuser only the tickets the workspace
would show them (apps.tickets.selectors.ticket_scope_q), so the two can never disagree.
"""

from typing import Any

from django.contrib.admin.utils import get_fields_from_path
from django.db.models import ForeignKey, Model, QuerySet
from django.http import Http404, HttpRequest

from apps.accounts.models import User
from apps.tickets.models import WithdrawalTicket
from apps.tickets.selectors import ticket_scope_q


def admin_ticket_scope(queryset: QuerySet[Any], *, user: User, ticket_path: str) -> QuerySet[Any]:
    """Keep the rows of `queryset` whose ticket (reached by `ticket_path`) `user` may see.

    `ticket_path` is "" for the tickets themselves. Supervisors and superusers keep every row.
    """
    scope = ticket_scope_q(user=user)
    if scope is None:
        return queryset.none()
    if not scope:  # the empty Q: every ticket, and the rows that have none
        return queryset
    if not ticket_path:
        return queryset.filter(scope)
    in_scope = {f"{ticket_path}__in": WithdrawalTicket.objects.filter(scope)}
    if _path_is_single_valued(queryset.model, ticket_path):
        return queryset.filter(**in_scope)
    # Through a reverse or many-to-many relation: select each row once, whatever its ticket count.
    return queryset.filter(pk__in=queryset.model._default_manager.filter(**in_scope).values("pk"))


def _path_is_single_valued(model: type[Model], lookup_path: str) -> bool:
    return not any(
        field.one_to_many or field.many_to_many for field in get_fields_from_path(model, lookup_path)
    )


class TicketScopedAdminMixin:
    """An admin of a ticket's rows: each user sees and opens only the rows of tickets in their scope.

    Set `ticket_path` to the lookup from the model to its ticket ("ticket", "event__ticket"; "" for
    the ticket itself). A row outside the scope answers 404, like a missing one and like the workspace;
    a ticket picked in a form (autocomplete, raw id) must be one the user may see.
    """

    ticket_path = "ticket"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return admin_ticket_scope(queryset, user=request.user, ticket_path=self.ticket_path)  # type: ignore[arg-type]

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        found = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if found is None:
            raise Http404("No such record.")
        return found

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> Any:
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)  # type: ignore[attr-defined]
        if "queryset" not in kwargs and isinstance(related_admin, TicketScopedAdminMixin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class ReadOnlyAdminMixin:
    """Rows written only by services (events, stage entries, attempts, evidence): view, never edit."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
