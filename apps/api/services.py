"""Writes the API needs around the shared services: who a key acts as.

An integration drives intake *for* a platform user: the ticket's requester, found or created by
mobile number like a portal sign-in. It acts as an agent through its own service user,
`api-<integration id>`: no password (it cannot sign in), no group, no agent profile (never
auto-assigned, never listed among agents), holding exactly the permissions to work and assign
tickets. Its display name is the integration's actor label ("api:<name>"), so the ticket's
timeline names the integration. Which tickets a key may touch is decided by the key's platforms
before any service is called, never by this user's permissions.
"""

from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.services import phone_normalise, requester_get_or_create
from apps.core.errors import ApplicationError
from apps.integrations.models import Integration

SERVICE_USER_PERMISSIONS = ("work_tickets", "supervise_tickets")


def integration_agent_username(integration: Integration) -> str:
    return f"api-{integration.pk}"


def integration_agent_get_or_create(*, integration: Integration) -> User:
    """The integration's service user, created on first use; its name follows the integration's.

    Authentication reads it along with the key (apps.integrations.services), so most requests ask
    nothing more here.
    """
    username = integration_agent_username(integration)
    user = integration.known_service_user() or User.objects.filter(username=username).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=username, display_name=integration.actor_label)
                user.set_unusable_password()
                user.save()
                user.user_permissions.set(
                    Permission.objects.filter(
                        content_type__app_label="tickets", codename__in=SERVICE_USER_PERMISSIONS
                    )
                )
        except IntegrityError:  # created by a concurrent request meanwhile
            user = User.objects.get(username=username)
    elif user.display_name != integration.actor_label:
        user.display_name = integration.actor_label
        user.save(update_fields=["display_name"])
    return user


def api_requester_get_or_create(*, phone: str) -> User:
    """The platform user an integration files for, by mobile number, as a portal sign-in would."""
    try:
        return requester_get_or_create(phone=phone_normalise(phone=phone))
    except ApplicationError as error:
        message = error.message
        raise ApplicationError(
            message,
            extra={
                "code": error.extra.get("reason", "invalid_phone"),
                "fields": {"requester_phone": [message]},
            },
        ) from None


def api_requester_missing() -> ApplicationError:
    return ApplicationError(
        _("This ticket has no requester, so its intake cannot be advanced through the API."),
        extra={"code": "no_requester"},
    )
