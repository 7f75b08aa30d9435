"""The requester's notification list and channel choices: allowed for them, refused to everyone else."""

import pytest
from django.urls import reverse

from apps.notifications.models import NoticePreference, RequesterNotice
from tests.casework.conftest import agent_with
from tests.factories import RequesterFactory, TicketFactory
from tests.notifications.conftest import notify

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
CHANNELS = reverse("notifications:preferences")
READ_ALL = reverse("notifications:read_all")


@pytest.fixture
def two_notices(ticket, now):
    at = now("2026-11-24 10:00")
    first = notify(ticket, at, event="received", key="a").notice
    second = notify(ticket, now("2026-11-24 11:00"), event="assigned", key="b").notice
    RequesterNotice.objects.filter(pk=first.pk).update(read_at=at)
    return first, second


def test_the_list_shows_unread_first_marked_each_linking_to_its_ticket(
    client, requester, ticket, two_notices
):
    read, unread = two_notices
    client.force_login(requester)
    page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(f'data-notice="{unread.pk}"') < html.index(f'data-notice="{read.pk}"')
    assert html.count("notice-unread") == 1
    assert reverse("portal:ticket_detail", args=[ticket.reference]) in html
    assert 'class="notices-link">通知 <span class="badge badge-warn" aria-label="1 条未读">1</span>' in html


def test_mark_one_and_mark_all_read(client, requester, two_notices):
    _read, unread = two_notices
    client.force_login(requester)
    assert client.post(reverse("notifications:read", args=[unread.pk])).status_code == 302
    unread.refresh_from_db()
    assert unread.read_at is not None
    notify(TicketFactory(requester=requester), unread.created_at, key="c")
    client.post(READ_ALL)
    assert not RequesterNotice.objects.filter(requester=requester, read_at__isnull=True).exists()


def test_another_requester_sees_nothing_and_cannot_mark_mine_read(client, two_notices):
    _read, unread = two_notices
    client.force_login(RequesterFactory())
    assert f'data-notice="{unread.pk}"' not in client.get(LIST).content.decode()
    client.post(reverse("notifications:read", args=[unread.pk]))
    client.post(READ_ALL)
    unread.refresh_from_db()
    assert unread.read_at is None


def test_agents_are_refused_and_anonymous_visitors_sent_to_sign_in(client, two_notices):
    for url in (LIST, CHANNELS):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and reverse("accounts:sign_in") in anonymous["Location"]
    client.force_login(agent_with())
    for url in (LIST, CHANNELS):
        assert client.get(url).status_code == 403
    assert client.post(READ_ALL).status_code == 403


def test_the_read_url_takes_posts_only(client, requester, two_notices):
    client.force_login(requester)
    assert client.get(reverse("notifications:read", args=[two_notices[1].pk])).status_code == 405


def test_choosing_channels_shows_the_masked_addresses_and_saves(client, requester):
    client.force_login(requester)
    page = client.get(CHANNELS).content.decode()
    assert "138****8000" in page and "z***@example.com" in page
    assert "13800138000" not in page and "zhang.wei@example.com" not in page
    assert client.post(CHANNELS, {"email": "on"}).status_code == 302
    preference = NoticePreference.objects.get(requester=requester)
    assert (preference.sms, preference.email) == (False, True)


def test_without_an_email_address_the_email_choice_is_off_and_disabled(client, requester):
    requester.email = ""
    requester.save(update_fields=["email"])
    client.force_login(requester)
    page = client.get(CHANNELS).content.decode()
    assert "您的账户没有电子邮箱地址。" in page and "disabled" in page
    client.post(CHANNELS, {"sms": "on", "email": "on"})
    assert NoticePreference.objects.get(requester=requester).email is False


def test_the_pages_are_in_chinese_for_a_chinese_session(client, requester, two_notices):
    client.force_login(requester)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": LIST})
    assert "撤诉申请已受理" in client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_the_list_costs_a_fixed_number_of_queries(
    client, requester, ticket, now, django_assert_max_num_queries
):
    client.force_login(requester)
    at = now("2026-11-24 10:00")
    notify(ticket, at, key="first")
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for index in range(15):
        notify(TicketFactory(requester=requester), at, key=f"n{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)
