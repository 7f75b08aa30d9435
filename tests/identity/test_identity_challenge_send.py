"""identity_challenge_send: an SMS code sent when it can be used, at most once a minute."""

import logging

import pytest

from apps.core.errors import ApplicationError
from apps.identity.models import IdentityVerificationAttempt
from apps.identity.providers import DevelopmentProvider
from apps.identity.services import CHALLENGE_RESEND_COOLDOWN, identity_attempt, identity_challenge_send

pytestmark = pytest.mark.django_db

FACE, SMS = "face_recognition", "sms_code"


@pytest.fixture
def face_passed(wechat_draft, clock):
    identity_attempt(ticket=wechat_draft, user=wechat_draft.requester, method=FACE, payload={"face": "pass"},
                     ip_address=None)
    return wechat_draft


def send(ticket, caplog, method=SMS):
    with caplog.at_level(logging.INFO, logger="chehui.identity"):
        challenge = identity_challenge_send(ticket=ticket, user=ticket.requester, method=method)
    codes = [record.sms_code for record in caplog.records if hasattr(record, "sms_code")]
    return challenge, codes[-1]


def test_a_code_is_sent_to_the_masked_phone_and_is_good_for_five_minutes(face_passed, clock, caplog):
    challenge, code = send(face_passed, caplog)

    assert challenge.sent_to == "139****5678"
    assert challenge.expires_at == clock.now + DevelopmentProvider.SMS_CODE_LIFETIME
    assert len(code) == 6
    assert not IdentityVerificationAttempt.objects.filter(method=SMS).exists()  # sending is no attempt


def test_a_code_is_sent_only_once_the_face_has_passed(wechat_draft, clock, caplog):
    with pytest.raises(ApplicationError) as refused:
        send(wechat_draft, caplog)

    assert refused.value.message == "Complete face recognition first."
    assert not [record for record in caplog.records if hasattr(record, "sms_code")]


def test_a_new_code_waits_a_minute_then_replaces_the_old_one(face_passed, clock, caplog):
    _challenge, old = send(face_passed, caplog)
    clock.advance(seconds=59.5)

    with pytest.raises(ApplicationError) as refused:
        send(face_passed, caplog)
    assert refused.value.message == "A code was sent a moment ago. You can ask for a new one in 1 second."
    assert refused.value.extra == {"code": "challenge_cooldown", "retry_in_seconds": 1}

    clock.advance(seconds=0.5)
    _challenge, new = send(face_passed, caplog)
    assert CHALLENGE_RESEND_COOLDOWN.total_seconds() == 60
    if old != new:
        stale = identity_attempt(ticket=face_passed, user=face_passed.requester, method=SMS,
                                 payload={"code": old}, ip_address=None)
        assert (stale.outcome, stale.reason) == ("rejected", "wrong code")
    attempt = identity_attempt(ticket=face_passed, user=face_passed.requester, method=SMS,
                               payload={"code": new}, ip_address=None)
    assert attempt.outcome == "passed"


def test_a_requester_without_a_phone_is_told_to_add_one(face_passed, clock, caplog):
    face_passed.requester.phone = None
    face_passed.requester.save(update_fields=["phone"])

    with pytest.raises(ApplicationError) as refused:
        send(face_passed, caplog)

    assert refused.value.extra == {"code": "no_phone"}


def test_a_method_without_a_code_has_nothing_to_send(wechat_draft, clock, caplog):
    with pytest.raises(ApplicationError) as refused:
        send(wechat_draft, caplog, method=FACE)

    assert refused.value.message == "Face recognition needs no code."


def test_a_gateway_that_fails_leaves_no_cooldown(face_passed, clock, caplog, settings):
    settings.IDENTITY_PROVIDER = "tests.identity.fakes.UnreachableProvider"
    with pytest.raises(ApplicationError) as refused:
        send(face_passed, caplog)
    assert refused.value.message == "The code could not be sent just now. Try again in a few minutes."

    del settings.IDENTITY_PROVIDER
    _challenge, code = send(face_passed, caplog)
    assert code


def test_no_code_is_sent_once_the_hours_attempts_are_used(face_passed, clock, caplog):
    from apps.identity.selectors import IDENTITY_ATTEMPTS_PER_HOUR

    for _ in range(IDENTITY_ATTEMPTS_PER_HOUR - 1):
        identity_attempt(ticket=face_passed, user=face_passed.requester, method=SMS, payload={"code": "x"},
                         ip_address=None)

    with pytest.raises(ApplicationError) as refused:
        send(face_passed, caplog)
    assert refused.value.extra["code"] == "too_many_attempts"


def test_someone_else_cannot_have_a_code_sent(face_passed, clock):
    from tests.factories import UserFactory

    with pytest.raises(ApplicationError) as refused:
        identity_challenge_send(ticket=face_passed, user=UserFactory(phone="13700000000"), method=SMS)

    assert refused.value.extra == {"code": "not_allowed"}
