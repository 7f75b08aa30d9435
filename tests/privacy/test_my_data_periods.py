"""The my-data page says how long each kind of personal data is kept, as a person reads a period."""

import pytest

from apps.privacy.models import DataKind, RetentionPolicy
from apps.tickets.models import TicketStatus
from tests.privacy.conftest import requester_with_phone, shanghai, ticket_with_data

pytestmark = pytest.mark.django_db

PAGE = "/my-data/"


def periods_section(client, language: str) -> str:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    return text[text.index('id="periods-title"'):]


@pytest.mark.parametrize(
    ("language", "years", "days", "one_day"),
    [
        ("en", "3 years (1095 days)", "90 days", "1 day"),
        ("zh-hans", "3 年（1095 天）", "90 天", "1 天"),
    ],
)
def test_whole_years_read_as_years_with_their_days(client, language, years, days, one_day):
    client.force_login(requester_with_phone())
    RetentionPolicy.objects.filter(kind=DataKind.IDENTITY_ATTEMPTS).update(days=1)
    section = periods_section(client, language)
    assert years in section  # letters and messages: the default three years
    assert days in section  # network data: not whole years, so days
    assert one_day in section
    assert "1095 天</dd>" not in section and "1095 days</dd>" not in section


def test_an_administrator_s_change_shows_at_once(client):
    client.force_login(requester_with_phone())
    RetentionPolicy.objects.filter(kind=DataKind.LETTERS_MESSAGES).update(days=730)
    assert "2 years (730 days)" in periods_section(client, "en")


def test_an_open_ticket_says_in_chinese_brackets_why_it_cannot_be_erased(client):
    requester = requester_with_phone()
    ticket_with_data(
        requester=requester, closed_at=shanghai("2026-01-10 15:00"), status=TicketStatus.RECEIVED
    )
    client.force_login(requester)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    assert "（处理中：暂不能删除）" in client.get(PAGE).content.decode()
