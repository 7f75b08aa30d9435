"""Signing in by SMS code: sending within the rate limits, checking the code, the lock-out, the user."""

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from apps.accounts.models import SmsChallenge, User
from apps.accounts.roles import AGENT, REQUESTER
from apps.accounts.services import phone_normalise, sms_code_send, sms_code_verify
from apps.core.crypto.hashing import keyed_hash
from apps.core.errors import ApplicationError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages asserted here are the English ones."""
    with translation.override("en"):
        yield

T0 = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
PHONE = "13800138000"
IP = "203.0.113.5"


def at(**delta: float) -> datetime:
    return T0 + timedelta(**delta)


@pytest.fixture
def send(django_capture_on_commit_callbacks, caplog):
    """Send a code as the service does, SMS included, and return the code the log received."""

    def _send(phone: str = PHONE, *, when: datetime = T0, ip: str | None = IP) -> str:
        with (
            caplog.at_level(logging.WARNING, logger="chehui.sms"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            sms_code_send(phone=phone, ip_address=ip, now=when)
        records = [record for record in caplog.records if record.name == "chehui.sms"]
        match = re.search(r"(\d{6})$", records[-1].getMessage())
        assert match, records[-1].getMessage()
        return match.group(1)

    return _send


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def refused(message_part: str):
    return pytest.raises(ApplicationError, match=re.escape(message_part))


# ---------------------------------------------------------------------------- the number


@pytest.mark.parametrize("typed", [
    "13800138000", "+86 138 0013 8000", "+86-138-0013-8000", "0086 13800138000", "138 0013 8000",
    "１３８００１３８０００",  # typed with a Chinese input method's full-width digits
])
def test_the_ways_people_type_a_mainland_number_are_understood(typed):
    assert phone_normalise(phone=typed) == PHONE


@pytest.mark.parametrize("typed", ["12800138000", "1380013800", "138001380001", "+1 202 555 0100", "", "abc"])
def test_a_number_that_is_not_a_mainland_mobile_is_refused_before_any_sms(typed, send):
    with refused("Enter a mainland China mobile number"):
        send(typed)
    assert not SmsChallenge.objects.exists()


def test_the_code_is_six_digits_and_only_a_keyed_hash_of_it_is_stored(send):
    code = send("+86 138 0013 8000")
    challenge = SmsChallenge.objects.get()
    assert re.fullmatch(r"\d{6}", code)
    assert challenge.phone == PHONE
    assert len(challenge.code_hash) == 64 and challenge.code_hash != code
    assert challenge.expires_at == T0 + timedelta(minutes=5)
    assert challenge.ip_address == IP


def test_the_development_provider_logs_the_number_masked(send, caplog):
    send()
    assert "138****8000" in caplog.text
    assert PHONE not in caplog.text


# ---------------------------------------------------------------------------- rate limits


def test_one_code_per_minute_per_number(send):
    send(when=T0)
    with refused("You can ask for another in 1 second."):
        send(when=at(seconds=59))
    with refused("in 30 seconds"):
        send(when=at(seconds=30))
    send(when=at(seconds=60))
    assert SmsChallenge.objects.count() == 2


def test_a_different_number_is_not_held_up_by_the_minute_rule(send):
    send(PHONE, when=T0)
    send("13900139000", when=at(seconds=1))


def test_five_codes_per_number_per_hour(send):
    for minute in range(5):
        send(when=at(minutes=minute))
    with refused("This number has been sent 5 codes in the last hour. "
                 "You can ask for another in 55 minutes."):
        send(when=at(minutes=5))
    with refused("in 1 minute."):
        send(when=at(minutes=59, seconds=59))
    send(when=at(hours=1))  # the first code has left the hour
    with refused("less than a minute ago"):
        send(when=at(hours=1, seconds=30))


def test_twenty_codes_per_network_per_hour(send):
    phones = [f"1390000{n:04d}" for n in range(21)]
    for n, phone in enumerate(phones[:20]):
        send(phone, when=at(seconds=n))
    with refused("Too many codes have been asked for from your network in the last hour. "
                 "Please try again in 59 minutes."):
        send(phones[20], when=at(minutes=1))
    send(phones[20], when=at(minutes=1), ip="198.51.100.9")  # another network is not held up
    send("13700137000", when=at(hours=1))  # the network's first code has left the hour


def test_a_refused_send_does_not_count_towards_the_limits(send):
    send(when=T0)
    for second in range(1, 60):
        with refused("less than a minute ago"):
            send(when=at(seconds=second))
    send(when=at(seconds=60))
    assert SmsChallenge.objects.count() == 2


# ---------------------------------------------------------------------------- the code


def test_the_right_code_signs_in_and_creates_the_requester_once(send):
    code = send()
    user = sms_code_verify(phone="+86 13800138000", code=code, now=at(minutes=1))
    assert user.phone == PHONE
    assert PHONE not in user.username
    assert user.display_name == "138****8000"
    assert not user.has_usable_password()
    assert not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [REQUESTER]
    assert user.preferred_language == "en"  # the language of the page they signed in on

    again = sms_code_verify(phone=PHONE, code=send(when=at(minutes=2)), now=at(minutes=3))
    assert again.pk == user.pk
    assert User.objects.filter(phone_hash=keyed_hash("phone", PHONE)).count() == 1


def test_the_new_requester_keeps_the_language_they_signed_in_with(send):
    code = send()
    with translation.override("en"):
        user = sms_code_verify(phone=PHONE, code=code, now=at(minutes=1))
    assert user.preferred_language == "en"


def test_a_code_works_once(send):
    code = send()
    sms_code_verify(phone=PHONE, code=code, now=at(minutes=1))
    with refused("This code has already been used. Ask for a new one."):
        sms_code_verify(phone=PHONE, code=code, now=at(minutes=2))


def test_a_code_is_valid_for_exactly_five_minutes(send):
    code = send()
    with refused("This code has expired"):
        sms_code_verify(phone=PHONE, code=code, now=at(minutes=5))
    assert sms_code_verify(phone=PHONE, code=code, now=at(minutes=4, seconds=59, microseconds=999_999))


def test_only_the_newest_code_works(send):
    first = send(when=T0)
    second = send(when=at(minutes=1))
    if first != second:
        with refused("That code is not right."):
            sms_code_verify(phone=PHONE, code=first, now=at(minutes=2))
    assert sms_code_verify(phone=PHONE, code=second, now=at(minutes=2))


def test_without_a_code_sent_there_is_nothing_to_check(send):
    with refused("No code has been sent to this number yet. Ask for a code first."):
        sms_code_verify(phone=PHONE, code="123456", now=T0)
    send("13900139000")
    with refused("Ask for a code first."):
        sms_code_verify(phone=PHONE, code="123456", now=T0)


def test_five_wrong_tries_use_up_a_code(send):
    code = send()
    for left in (4, 3, 2):
        with refused(f"That code is not right. You can try {left} more times."):
            sms_code_verify(phone=PHONE, code=wrong(code), now=at(minutes=1))
    with refused("You can try 1 more time."):
        sms_code_verify(phone=PHONE, code=wrong(code), now=at(minutes=1))
    with refused("That code is not right, and this code may not be tried again. Ask for a new one."):
        sms_code_verify(phone=PHONE, code=wrong(code), now=at(minutes=1))
    with refused("This code was entered wrongly too many times. Ask for a new one."):
        sms_code_verify(phone=PHONE, code=code, now=at(minutes=1))
    assert SmsChallenge.objects.get().attempts == 5
    assert sms_code_verify(phone=PHONE, code=send(when=at(minutes=2)), now=at(minutes=2))


# ---------------------------------------------------------------------------- lock-out


def _fail(code: str, times: int, *, when: datetime) -> None:
    for _ in range(times):
        with pytest.raises(ApplicationError):
            sms_code_verify(phone=PHONE, code=wrong(code), now=when)


def test_ten_wrong_codes_within_an_hour_lock_the_number_for_fifteen_minutes(send):
    _fail(send(when=T0), 5, when=at(minutes=1))
    second = send(when=at(minutes=10))
    _fail(second, 4, when=at(minutes=11))
    with refused("Too many wrong codes. For your safety, sign-in with this number is paused; "
                 "please try again in 15 minutes."):
        sms_code_verify(phone=PHONE, code=wrong(second), now=at(minutes=12))
    locked_at = at(minutes=12)

    with refused("please try again in 15 minutes"):  # even the right code is refused
        sms_code_verify(phone=PHONE, code=second, now=locked_at)
    with refused("please try again in 1 minute."):
        send(when=locked_at + timedelta(minutes=14, seconds=59))
    assert SmsChallenge.objects.count() == 2

    third = send(when=locked_at + timedelta(minutes=15))
    user = sms_code_verify(phone=PHONE, code=third, now=locked_at + timedelta(minutes=16))
    assert user.phone == PHONE


def test_after_a_lock_out_ends_the_count_starts_again(send):
    _fail(send(when=T0), 5, when=at(minutes=1))
    _fail(send(when=at(minutes=2)), 5, when=at(minutes=3))  # the tenth locks the number until minute 18
    code = send(when=at(minutes=18))
    with refused("That code is not right. You can try 4 more times."):
        sms_code_verify(phone=PHONE, code=wrong(code), now=at(minutes=19))


def test_wrong_codes_older_than_an_hour_are_forgotten(send):
    _fail(send(when=T0), 5, when=at(minutes=1))
    _fail(send(when=at(minutes=30)), 4, when=at(minutes=31))
    code = send(when=at(minutes=61))  # the first five are now more than an hour old
    with refused("You can try 4 more times."):
        sms_code_verify(phone=PHONE, code=wrong(code), now=at(minutes=62))
    assert sms_code_verify(phone=PHONE, code=code, now=at(minutes=62))


def test_a_lock_out_holds_one_number_only(send):
    _fail(send(when=T0), 5, when=at(minutes=1))
    _fail(send(when=at(minutes=2)), 5, when=at(minutes=3))
    other = send("13900139000", when=at(minutes=4))
    assert sms_code_verify(phone="13900139000", code=other, now=at(minutes=4)).phone == "13900139000"


# ---------------------------------------------------------------------------- who may sign in


@pytest.mark.parametrize("staff", [{"is_staff": True}, {"is_superuser": True}], ids=["staff", "superuser"])
def test_staff_with_the_number_are_sent_to_the_staff_login(send, staff):
    member = UserFactory(phone=PHONE, **staff)
    code = send()
    with refused("This number belongs to a staff account."):
        sms_code_verify(phone=PHONE, code=code, now=at(minutes=1))
    member.refresh_from_db()
    assert member.has_usable_password()
    assert not member.groups.filter(name=REQUESTER).exists()
    assert User.objects.filter(phone_hash=keyed_hash("phone", PHONE)).count() == 1


def test_an_agent_is_refused_even_without_the_staff_flag(send):
    agent = UserFactory(phone=PHONE)
    agent.groups.add(Group.objects.get(name=AGENT))
    with refused("staff login page"):
        sms_code_verify(phone=PHONE, code=send(), now=at(minutes=1))


def test_an_existing_requester_signs_in_as_themselves(send):
    requester = UserFactory(phone=PHONE, display_name="张伟")
    assert sms_code_verify(phone=PHONE, code=send(), now=at(minutes=1)).pk == requester.pk


def test_a_disabled_requester_is_refused(send):
    UserFactory(phone=PHONE, is_active=False)
    with refused("This account has been disabled."):
        sms_code_verify(phone=PHONE, code=send(), now=at(minutes=1))
