"""Templates in the admin: a preview of every channel, and a template that does not compile is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.notifications.models import NoticeTemplate, RequesterNotice
from apps.notifications.rendering import template_error, template_render
from tests.admin.conftest import logged_in
from tests.factories import UserFactory
from tests.notifications.conftest import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db):
    return logged_in(UserFactory(is_staff=True, is_superuser=True))


def template(event="refused", language="en", channel="email") -> NoticeTemplate:
    return NoticeTemplate.objects.get(event=event, language=language, channel=channel)


def change_url(row: NoticeTemplate) -> str:
    return reverse("admin:notifications_noticetemplate_change", args=[row.pk])


def form_data(row: NoticeTemplate, **changes) -> dict:
    data = {
        "event": row.event,
        "language": row.language,
        "channel": row.channel,
        "active": "on",
        "subject": row.subject,
        "body": row.body,
        "html_body": row.html_body,
        "sms_template_code": row.sms_template_code,
        "sms_params": "[]" if not row.sms_params else str(row.sms_params).replace("'", '"'),
    }
    return {**data, **changes}


def test_the_change_page_previews_every_channel_of_the_event_with_the_example(admin_client):
    page = admin_client.get(change_url(template())).content.decode()
    assert "Third-party arbitration: 7–14 days, from ¥800, 79% succeed" in page  # the e-mail's routes
    assert "We are sorry: your withdrawal request CH-7KQ2-MX9A was refused." in page  # the text message
    assert "Request refused" in page  # the portal's title
    assert "{{ reason }}" in page  # the variables offered


def test_the_preview_action_renders_the_selected_templates(admin_client):
    rows = NoticeTemplate.objects.filter(event="cooling_off", language="zh-hans")
    page = admin_client.post(
        reverse("admin:notifications_noticetemplate_changelist"),
        {
            "action": "preview_selected",
            "_selected_action": [row.pk for row in rows],
        },
    )
    assert page.status_code == 200
    assert page.content.decode().count("10:05") >= 3


def test_a_template_that_does_not_compile_is_refused_with_the_reason(admin_client):
    row = template()
    response = admin_client.post(change_url(row), form_data(row, body="Hello {% if reason %}{{ reason }}"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "This template does not compile" in errors["body"][0]
    assert "endif" in errors["body"][0]
    row.refresh_from_db()
    assert "{% if reason %}{{ reason }}" not in row.body


@pytest.mark.parametrize(
    "body",
    [
        "{% load static %}",
        "{% include 'admin/base.html' %}",
        "{% url 'admin:index' %}",
        "{% debug %}",
        "{{ reason|pprint }}",
    ],
)
def test_the_sandbox_refuses_tags_that_reach_outside(body):
    assert template_error(body) is not None


def test_a_missing_variable_renders_empty_and_html_is_escaped_only_in_the_html_part():
    assert template_render("Hi {{ nobody }}!", {}) == "Hi !"
    values = {"reason": "<b>no</b> & done"}
    assert template_render("{{ reason }}", values) == "<b>no</b> & done"
    assert template_render("{{ reason }}", values, html=True) == "&lt;b&gt;no&lt;/b&gt; &amp; done"


def test_sms_variables_must_exist_for_the_event_and_never_be_links():
    row = template(channel="sms")
    row.sms_params = ["reference", "nonsense"]
    with pytest.raises(ValidationError) as unknown:
        row.full_clean()
    assert "Unknown for this event: nonsense" in str(unknown.value)
    row.sms_params = ["portal_url"]
    with pytest.raises(ValidationError) as link:
        row.full_clean()
    assert "links" in str(link.value)
    row.sms_params, row.sms_template_code = ["reference"], ""
    with pytest.raises(ValidationError):
        row.full_clean()


def test_an_edited_template_is_what_goes_out(admin_client, ticket, requester, now):
    row = template(event="assigned", language="zh-hans", channel="portal")
    admin_client.post(change_url(row), form_data(row, subject="{{ reference }} 有人接手了"))
    notify(ticket, now("2026-11-24 10:00"))
    assert RequesterNotice.objects.get().title == f"{ticket.reference} 有人接手了"


def test_an_inactive_channel_sends_nothing_on_it(ticket, now):
    NoticeTemplate.objects.filter(event="assigned", channel="sms").update(active=False)
    notified = notify(ticket, now("2026-11-24 10:00"))
    assert [message.channel for message in notified.messages] == ["email"]


def test_the_notice_and_preference_admins_are_read_only(admin_client, ticket, requester, now):
    notice = notify(ticket, now("2026-11-24 10:00")).notice
    url = reverse("admin:notifications_requesternotice_change", args=[notice.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and notice.title in page.content.decode()
    assert admin_client.get(reverse("admin:notifications_requesternotice_add")).status_code == 403
    listed = admin_client.get(reverse("admin:notifications_noticepreference_changelist"))
    assert listed.status_code == 200
    assert admin_client.get(reverse("admin:notifications_noticepreference_add")).status_code == 403
