"""The portal's "Notifications" link with the requester's unread count (one query, requesters only)."""

from typing import Any

from django import template

from apps.notifications.selectors import unread_notice_count

register = template.Library()


@register.inclusion_tag("notifications/_nav_link.html", takes_context=True)
def notices_nav_link(context: template.Context) -> dict[str, Any]:
    """Render the link for a signed-in requester; staff (who have no notices) get nothing."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return {"show": False}
    return {"show": True, "unread": unread_notice_count(requester=user)}
