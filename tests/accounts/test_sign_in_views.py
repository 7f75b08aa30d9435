"""Signing in through the pages: number, SMS code (read from the log), next address, signing out."""

import logging
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.views import client_ip
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls_signin")]

PHONE = "13800138000"
T0 = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)


class FrozenClock:
    def __init__(self) -> None:
        self.now = T0

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> FrozenClock:
    frozen = FrozenClock()
    monkeypatch.setattr("apps.core.clock.now", lambda: frozen.now)
    return frozen


@pytest.fixture
def client() -> Client:
    # These tests read the English copy; the Chinese catalogue is checked by tests/config.
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks, caplog):
    """POST through the client with on-commit callbacks run, as after a real commit (the SMS)."""
    caplog.set_level(logging.WARNING, logger="chehui.sms")

    def _post(url: str, data: dict[str, str]):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return _post


def last_code(caplog) -> str:
    records = [record for record in caplog.records if record.name == "chehui.sms"]
    match = re.search(r"(\d{6})$", records[-1].getMessage())
    assert match
    return match.group(1)


def sms_count(caplog) -> int:
    return len([record for record in caplog.records if record.name == "chehui.sms"])


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def ask_for_code(post, phone: str = PHONE, **extra: str):
    return post(reverse("accounts:sign_in"), {"phone": phone, **extra})


def test_the_sign_in_page_asks_for_a_number_with_a_phone_keyboard(client):
    page = client.get(reverse("accounts:sign_in")).content.decode()
    assert 'type="tel"' in page
    assert 'inputmode="numeric"' in page
    assert "We send a 6-digit code by SMS; it is valid for 5 minutes." in page
    assert reverse("admin:login") in page


def test_number_then_code_signs_in_a_new_requester(client, post, caplog, clock):
    response = ask_for_code(post, "+86 138 0013 8000")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign_in_code")

    page = client.get(response["Location"]).content.decode()
    assert "138****8000" in page and PHONE not in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page

    clock.advance(minutes=1)
    response = post(reverse("accounts:sign_in_code"), {"code": last_code(caplog)})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_tickets")
    user = signed_in_user(client)
    assert user is not None and user.phone == PHONE
    assert user.preferred_language == "en"
    assert "accounts.sign_in_phone" not in client.session


def test_the_code_may_be_typed_with_spaces(client, post, caplog, clock):
    ask_for_code(post)
    code = last_code(caplog)
    post(reverse("accounts:sign_in_code"), {"code": f" {code[:3]} {code[3:]} "})
    assert signed_in_user(client) is not None


def test_a_wrong_number_is_explained_next_to_the_field(post, caplog):
    response = ask_for_code(post, "12345")
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'class="field field-error".*Enter a mainland China mobile number', page, re.S)
    assert sms_count(caplog) == 0


def test_a_wrong_code_is_explained_next_to_the_field_and_does_not_sign_in(client, post, caplog, clock):
    ask_for_code(post)
    code = last_code(caplog)
    response = post(reverse("accounts:sign_in_code"), {"code": f"{(int(code) + 1) % 10**6:06d}"})
    assert response.status_code == 200
    assert "That code is not right. You can try 4 more times." in response.content.decode()
    response = post(reverse("accounts:sign_in_code"), {"code": "12ab"})
    assert "Enter the 6 digits from the SMS." in response.content.decode()
    assert signed_in_user(client) is None


def test_a_safe_next_address_is_followed_after_sign_in(client, post, caplog, clock):
    target = "/tickets/new/?platform=wechat"
    page = client.get(reverse("accounts:sign_in"), {"next": target}).content.decode()
    assert f'name="next" value="{target}"' in page

    response = ask_for_code(post, next=target)
    assert response["Location"] == reverse("accounts:sign_in_code") + "?" + urlencode({"next": target})
    page = client.get(response["Location"]).content.decode()
    assert f'name="next" value="{target}"' in page

    response = post(reverse("accounts:sign_in_code"), {"code": last_code(caplog), "next": target})
    assert response["Location"] == target


@pytest.mark.parametrize("unsafe", [
    "https://evil.example/steal", "//evil.example/", "javascript:alert(1)", "/\\evil.example",
])
def test_an_unsafe_next_address_is_ignored(client, post, caplog, clock, unsafe):
    page = client.get(reverse("accounts:sign_in"), {"next": unsafe}).content.decode()
    assert '<input type="hidden" name="next"' not in page
    response = ask_for_code(post, next=unsafe)
    assert response["Location"] == reverse("accounts:sign_in_code")
    response = post(reverse("accounts:sign_in_code"), {"code": last_code(caplog), "next": unsafe})
    assert response["Location"] == reverse("portal:my_tickets")


def test_a_new_code_can_be_asked_for_after_a_minute(client, post, caplog, clock):
    ask_for_code(post)
    first = last_code(caplog)
    clock.advance(seconds=30)
    response = post(reverse("accounts:sign_in_code"), {"resend": "1"})
    assert response.status_code == 200
    assert "You can ask for another in 30 seconds." in response.content.decode()
    assert sms_count(caplog) == 1

    clock.advance(seconds=30)
    response = post(reverse("accounts:sign_in_code"), {"resend": "1"})
    assert response.status_code == 302
    assert sms_count(caplog) == 2
    assert "We sent a new code to 138****8000." in client.get(response["Location"]).content.decode()
    second = last_code(caplog)
    if first != second:
        post(reverse("accounts:sign_in_code"), {"code": first})
        assert signed_in_user(client) is None
    post(reverse("accounts:sign_in_code"), {"code": second})
    assert signed_in_user(client) is not None


def test_going_back_within_the_minute_keeps_the_code_already_sent(client, post, caplog, clock):
    ask_for_code(post)
    code = last_code(caplog)
    clock.advance(seconds=20)
    response = ask_for_code(post)
    assert response["Location"] == reverse("accounts:sign_in_code")
    assert "less than a minute ago" in client.get(response["Location"]).content.decode()
    assert sms_count(caplog) == 1
    post(reverse("accounts:sign_in_code"), {"code": code})
    assert signed_in_user(client) is not None


def test_the_code_page_without_a_number_goes_back_to_the_number(client):
    response = client.get(reverse("accounts:sign_in_code"), {"next": "/tickets/new/"})
    assert response["Location"] == reverse("accounts:sign_in") + "?next=%2Ftickets%2Fnew%2F"


def test_a_staff_number_is_sent_to_the_staff_login(client, post, caplog, clock):
    UserFactory(phone=PHONE, is_staff=True)
    ask_for_code(post)
    response = post(reverse("accounts:sign_in_code"), {"code": last_code(caplog)})
    assert response.status_code == 200
    assert "This number belongs to a staff account." in response.content.decode()
    assert signed_in_user(client) is None


def test_sign_out_takes_a_post_only(client):
    requester = UserFactory(phone=PHONE)
    client.force_login(requester)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    assert signed_in_user(client) == requester

    response = client.post(reverse("accounts:sign_out"))
    assert response["Location"] == reverse("portal:home")
    assert signed_in_user(client) is None
    assert "You have signed out." in client.get(reverse("accounts:sign_in")).content.decode()


def test_a_signed_in_requester_skips_the_sign_in_page(client):
    client.force_login(UserFactory(phone=PHONE))
    response = client.get(reverse("accounts:sign_in"), {"next": "/tickets/new/"})
    assert response["Location"] == "/tickets/new/"


def test_the_address_counted_is_the_connection_unless_proxies_are_trusted(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert client_ip(request) == "10.0.0.2"  # a forged header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"


def test_the_pages_open_in_the_default_language_too():
    page = Client().get(reverse("accounts:sign_in")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert 'name="phone"' in page
