"""page_size and cursor: a value outside what the list takes is a 400 saying what it takes."""

import pytest

from tests.api.conftest import url
from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value", ["0", "-1", "abc", "null", "", "201", "1.5", "１０", "99999999999999999999"]
)
def test_a_bad_page_size_is_refused_with_the_allowed_range(api, value):
    response = api.get(url("tickets"), {"page_size": value})
    assert response.status_code == 400, response.content
    assert response.json()["extra"]["fields"]["page_size"] == [
        "page_size must be a whole number from 1 to 200 (default 50)."
    ]


def test_a_bad_page_size_is_refused_in_chinese_too(api):
    response = api.get(url("tickets"), {"page_size": "0"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["extra"]["fields"]["page_size"] == [
        "page_size 必须是 1 到 200 之间的整数（默认 50）。"
    ]


@pytest.mark.parametrize("value", ["1", "200"])
def test_the_range_s_ends_are_taken_and_carried_into_next(api, value):
    for _ in range(2):
        TicketFactory()
    response = api.get(url("tickets"), {"page_size": value})
    assert response.status_code == 200
    page = response.json()
    assert len(page["results"]) == min(int(value), 2)
    if value == "1":
        assert "page_size=1" in page["next"]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        "cD1hYmM=",  # p=abc: a position that is not an id
        "bz0tMQ==",  # o=-1
        "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5",  # p=9999999999999999999999: past a bigint
        "ö",
    ],
)
def test_a_cursor_not_from_a_page_link_is_a_400(api, cursor):
    response = api.get(url("tickets"), {"cursor": cursor})
    assert response.status_code == 400, response.content
    assert "cursor" in response.json()["extra"]["fields"]


def test_a_real_cursor_still_walks(api):
    for _ in range(3):
        TicketFactory()
    first = api.get(url("tickets"), {"page_size": 2}).json()
    second = api.get(first["next"])
    assert second.status_code == 200 and len(second.json()["results"]) >= 1
