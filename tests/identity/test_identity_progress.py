"""identity_progress and the messages after an attempt: what is done, what is next, how to retry."""

import pytest

from apps.identity.models import IdentityVerificationAttempt
from apps.identity.selectors import IDENTITY_ATTEMPTS_PER_HOUR, identity_attempt_message, identity_progress
from apps.identity.services import identity_attempt

pytestmark = pytest.mark.django_db

FACE, SMS = "face_recognition", "sms_code"


def attempt(ticket, method, payload):
    return identity_attempt(ticket=ticket, user=ticket.requester, method=method, payload=payload,
                            ip_address=None)


def test_a_fresh_wechat_draft_starts_with_the_face(wechat_draft, clock):
    progress = identity_progress(ticket=wechat_draft)

    assert progress.methods == (FACE, SMS)
    assert progress.passed == ()
    assert progress.next_method == FACE
    assert (progress.verified, progress.attempts_left, progress.retry_after) == (
        False, IDENTITY_ATTEMPTS_PER_HOUR, None
    )


def test_progress_follows_the_attempts(alipay_draft, clock):
    attempt(alipay_draft, "payment_password", {})
    assert identity_progress(ticket=alipay_draft).attempts_left == IDENTITY_ATTEMPTS_PER_HOUR - 1

    attempt(alipay_draft, "payment_password", {"password": "pass"})
    alipay_draft.refresh_from_db()
    progress = identity_progress(ticket=alipay_draft)
    assert progress.passed == ("payment_password",)
    assert progress.next_method is None
    assert progress.verified_at == clock.now


@pytest.mark.parametrize(
    ("method", "fixture", "hint"),
    [
        (FACE, "wechat_draft", "Face recognition did not pass. Try again in good light"),
        ("payment_password", "alipay_draft", "The payment password was not accepted. Enter it again"),
    ],
)
def test_each_method_explains_how_to_retry(request, clock, method, fixture, hint):
    ticket = request.getfixturevalue(fixture)

    message = identity_attempt_message(attempt=attempt(ticket, method, {}))

    assert message.startswith(hint)


@pytest.mark.parametrize(
    ("method", "hint"),
    [
        (SMS, "The SMS code was not accepted. Enter the latest code sent to your phone"),
        ("real_name", "The real-name check did not pass."),
        ("digital_certificate", "The digital certificate was not accepted."),
    ],
)
def test_the_other_methods_explain_too(wechat_draft, clock, method, hint):
    recorded = IdentityVerificationAttempt.objects.create(
        ticket=wechat_draft, user=wechat_draft.requester, method=method, provider="development",
        outcome="rejected", attempted_at=clock.now,
    )

    assert identity_attempt_message(attempt=recorded).startswith(hint)


def test_the_last_attempt_left_is_counted_in_the_singular(wechat_draft, clock):
    for _ in range(IDENTITY_ATTEMPTS_PER_HOUR - 2):
        attempt(wechat_draft, FACE, {})
        clock.advance(minutes=1)

    last_but_one = attempt(wechat_draft, FACE, {})

    assert identity_attempt_message(attempt=last_but_one).endswith("You can try 1 more time this hour.")


def test_an_attempt_outside_the_hour_no_longer_counts(wechat_draft, clock):
    attempt(wechat_draft, FACE, {})
    clock.advance(hours=1)

    assert identity_progress(ticket=wechat_draft).attempts_left == IDENTITY_ATTEMPTS_PER_HOUR
