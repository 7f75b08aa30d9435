"""The requester's notification list and channel choices in the portal.

Views parse input, call one service or selector and render; the rules live in services.py.
"""

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import User
from apps.core import clock
from apps.notifications.forms import NoticePreferenceForm
from apps.notifications.selectors import notice_preference_for, requester_notices
from apps.notifications.services import notice_mark_read, notice_preference_update, notices_mark_all_read
from apps.portal.access import requester_required


@requester_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """The requester's notices, unread first, each linking to its ticket."""
    notices = requester_notices(requester=cast(User, request.user))
    return render(
        request,
        "notifications/notice_list.html",
        {
            "notices": notices,
            "unread": sum(1 for notice in notices if notice.read_at is None),
        },
    )


@requester_required
@require_POST
def notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark one notice read; someone else's (or an unknown id) changes nothing."""
    notice_mark_read(notice_id=notice_id, requester=cast(User, request.user), now=clock.now())
    return redirect("notifications:list")


@requester_required
@require_POST
def notices_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notice read."""
    count = notices_mark_all_read(requester=cast(User, request.user), now=clock.now())
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")


@requester_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Choose the channels notices come by; the portal's list is always on."""
    requester = cast(User, request.user)
    current = notice_preference_for(requester=requester)
    form = NoticePreferenceForm(
        request.POST or None, requester=requester, initial={"sms": current.sms, "email": current.email}
    )
    if request.method == "POST" and form.is_valid():
        notice_preference_update(
            requester=requester, sms=form.cleaned_data["sms"], email=form.cleaned_data["email"]
        )
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
