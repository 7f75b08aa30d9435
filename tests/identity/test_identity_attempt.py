"""identity_attempt: every attempt kept, the platform's methods in order, an hourly limit, step 3 done."""

import logging
from datetime import timedelta

import pytest

from apps.core.errors import ApplicationError
from apps.identity.models import IdentityVerificationAttempt
from apps.identity.selectors import IDENTITY_ATTEMPTS_PER_HOUR, identity_attempt_message
from apps.identity.services import identity_attempt, identity_challenge_send
from apps.tickets.models import EventKind, TicketEvent, TicketStatus
from tests.factories import DraftFactory, TicketFactory, UserFactory, platform

pytestmark = pytest.mark.django_db

FACE, SMS, PASSWORD = "face_recognition", "sms_code", "payment_password"
IP = "203.0.113.45"


def attempt(ticket, method, payload, *, user=None, ip=IP):
    return identity_attempt(ticket=ticket, user=user or ticket.requester, method=method, payload=payload,
                            ip_address=ip)


def face_passes(ticket):
    return attempt(ticket, FACE, {"face": "pass"})


def sms_code_sent(ticket, caplog) -> str:
    with caplog.at_level(logging.INFO, logger="chehui.identity"):
        identity_challenge_send(ticket=ticket, user=ticket.requester, method=SMS)
    return [record for record in caplog.records if hasattr(record, "sms_code")][-1].sms_code


def attempts_of(ticket):
    return list(IdentityVerificationAttempt.objects.filter(ticket=ticket).order_by("id"))


def events_of(ticket, kind=None):
    events = TicketEvent.objects.filter(ticket=ticket).order_by("id")
    return list(events.filter(kind=kind) if kind else events)


# ------------------------------------------------------------------------------ the happy path
def test_wechat_verifies_by_face_then_sms_code_and_step_3_is_done(wechat_draft, clock, caplog):
    face = face_passes(wechat_draft)
    wechat_draft.refresh_from_db()
    assert wechat_draft.identity_verified_at is None

    clock.advance(minutes=2)
    code = sms_code_sent(wechat_draft, caplog)
    clock.advance(seconds=40)
    sms = attempt(wechat_draft, SMS, {"code": code})

    wechat_draft.refresh_from_db()
    assert wechat_draft.identity_verified_at == clock.now
    assert [(a.method, a.outcome, a.provider, a.user, a.ip_address) for a in attempts_of(wechat_draft)] == [
        (FACE, "passed", "development", wechat_draft.requester, IP),
        (SMS, "passed", "development", wechat_draft.requester, IP),
    ]
    assert face.attempted_at == clock.now - timedelta(minutes=2, seconds=40)
    assert sms.attempted_at == clock.now
    step = events_of(wechat_draft, EventKind.INTAKE_STEP)
    assert [(event.to_value, event.data, event.occurred_at) for event in step] == [
        ("3", {"step": "identity", "methods": [FACE, SMS]}, clock.now),
    ]
    assert identity_attempt_message(attempt=sms) == "SMS code passed. Your identity is verified."


def test_a_single_method_platform_is_verified_by_its_one_method(alipay_draft, clock):
    attempt(alipay_draft, PASSWORD, {"password": "pass"})

    alipay_draft.refresh_from_db()
    assert alipay_draft.identity_verified_at == clock.now


def test_a_passed_face_alone_does_not_verify_wechat_and_says_what_is_next(wechat_draft, clock):
    face = face_passes(wechat_draft)

    wechat_draft.refresh_from_db()
    assert wechat_draft.identity_verified_at is None
    assert identity_attempt_message(attempt=face) == "Face recognition passed. Next: SMS code."


# ------------------------------------------------------------------------------ every attempt kept
def test_a_rejection_is_recorded_with_its_reason_and_explains_how_to_retry(wechat_draft, clock):
    rejected = attempt(wechat_draft, FACE, {"face": "reject", "reason": "liveness check failed"})

    rejected.refresh_from_db()
    assert (rejected.outcome, rejected.reason, rejected.provider_reference[:4]) == (
        "rejected", "liveness check failed", "dev-"
    )
    wechat_draft.refresh_from_db()
    assert wechat_draft.identity_verified_at is None
    assert identity_attempt_message(attempt=rejected) == (
        "Face recognition did not pass. Try again in good light, facing the camera, with nothing covering "
        f"your face. You can try {IDENTITY_ATTEMPTS_PER_HOUR - 1} more times this hour."
    )


def test_after_a_rejection_the_same_method_may_be_tried_again(wechat_draft, clock):
    attempt(wechat_draft, FACE, {})
    clock.advance(minutes=1)
    face_passes(wechat_draft)

    assert [a.outcome for a in attempts_of(wechat_draft)] == ["rejected", "passed"]


def test_each_attempt_leaves_an_event_without_personal_data(wechat_draft, clock):
    rejected = attempt(wechat_draft, FACE, {"face": "reject", "reason": "张伟的脸不匹配"})

    (event,) = events_of(wechat_draft, EventKind.IDENTITY_ATTEMPT)
    assert (event.actor, event.to_value, event.occurred_at) == (wechat_draft.requester, "rejected", clock.now)
    assert event.data == {"method": FACE, "provider": "development", "attempt_id": rejected.pk}
    recorded = f"{event.data} {event.from_value} {event.to_value} {event.actor_label}"
    for personal in ("张伟", IP, "13912345678", "liveness"):
        assert personal not in recorded


def test_a_provider_that_cannot_be_reached_is_recorded_as_an_error(wechat_draft, clock, settings, caplog):
    settings.IDENTITY_PROVIDER = "tests.identity.fakes.UnreachableProvider"

    with caplog.at_level(logging.ERROR, logger="chehui.identity"):
        failed = attempt(wechat_draft, FACE, {"face": "pass"})

    failed.refresh_from_db()
    assert (failed.outcome, failed.provider, failed.reason) == (
        "error", "unreachable", "provider failed: ConnectionError"
    )
    assert any(record.exc_info for record in caplog.records if record.name == "chehui.identity")
    assert events_of(wechat_draft, EventKind.IDENTITY_ATTEMPT)[0].to_value == "error"
    assert identity_attempt_message(attempt=failed) == (
        "The verification service did not answer, so nothing was decided. Try again in a few minutes. "
        f"You can try {IDENTITY_ATTEMPTS_PER_HOUR - 1} more times this hour."
    )


def test_a_provider_answering_nonsense_is_recorded_as_an_error_and_trimmed(wechat_draft, clock, settings):
    settings.IDENTITY_PROVIDER = "tests.identity.fakes.NonsenseProvider"

    failed = attempt(wechat_draft, FACE, {})

    failed.refresh_from_db()
    assert (failed.outcome, failed.reason, failed.provider_reference) == (
        "error", "unknown outcome: maybe", "n-1"
    )


@pytest.mark.parametrize(
    ("given", "stored"),
    [("2001:db8::1", "2001:db8::1"), (" 198.51.100.7 ", "198.51.100.7"), ("not an ip", None), (None, None)],
)
def test_the_ip_address_is_stored_when_it_is_one(wechat_draft, clock, given, stored):
    recorded = attempt(wechat_draft, FACE, {}, ip=given)

    recorded.refresh_from_db()
    assert recorded.ip_address == stored


# ------------------------------------------------------------------------------ refused before asking
def refused(ticket, method, payload=None, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as error:
        attempt(ticket, method, payload or {"face": "pass"}, **kwargs)
    assert attempts_of(ticket) == []
    assert events_of(ticket, EventKind.IDENTITY_ATTEMPT) == []
    return error.value


def test_a_method_the_platform_does_not_use_is_refused(wechat_draft, clock):
    error = refused(wechat_draft, PASSWORD)

    assert error.message == "Payment password is not how WeChat verifies identity."
    assert error.extra == {"code": "method_not_allowed", "methods": [FACE, SMS]}


def test_the_methods_must_pass_in_the_platforms_order(wechat_draft, clock):
    error = refused(wechat_draft, SMS, {"code": "123456"})

    assert error.message == "Complete face recognition first."
    assert error.extra == {"code": "method_out_of_order", "next_method": FACE}


def test_a_method_that_passed_is_not_tried_again(wechat_draft, clock):
    face_passes(wechat_draft)

    with pytest.raises(ApplicationError) as error:
        face_passes(wechat_draft)

    assert error.value.message == "Face recognition has already passed."
    assert len(attempts_of(wechat_draft)) == 1


def test_a_verified_ticket_needs_no_more_attempts(alipay_draft, clock):
    attempt(alipay_draft, PASSWORD, {"password": "pass"})

    with pytest.raises(ApplicationError) as error:
        attempt(alipay_draft, PASSWORD, {"password": "pass"})

    assert error.value.extra == {"code": "already_verified"}


def test_only_the_requester_may_verify(wechat_draft, clock):
    error = refused(wechat_draft, FACE, user=UserFactory())

    assert error.extra == {"code": "not_allowed"}


@pytest.mark.parametrize("status", [TicketStatus.RECEIVED, TicketStatus.CANCELLED])
def test_a_ticket_out_of_intake_is_refused(requester, clock, status):
    ticket = TicketFactory(requester=requester, status=status)

    assert refused(ticket, FACE).extra == {"code": "not_in_intake", "status": status}


def test_the_complaint_number_comes_first(requester, clock):
    ticket = DraftFactory(requester=requester, complaint=None, complaint_type=None, complaint_filed_at=None,
                          platform=platform("wechat"))

    assert refused(ticket, FACE).extra == {"code": "complaint_number_first"}


# ------------------------------------------------------------------------------ the hourly limit
def test_the_hourly_limit_counts_every_outcome_and_lifts_an_hour_after_the_oldest(
    wechat_draft, clock, settings
):
    first_at = clock.now
    for number in range(IDENTITY_ATTEMPTS_PER_HOUR):
        if number:
            clock.advance(minutes=10)
        if number == 2:
            settings.IDENTITY_PROVIDER = "tests.identity.fakes.UnreachableProvider"
        if number == 3:
            del settings.IDENTITY_PROVIDER
        last = attempt(wechat_draft, FACE, {})

    # 10:00, 10:10 ... 10:50 Shanghai: the sixth is the last this hour.
    assert [a.outcome for a in attempts_of(wechat_draft)].count("error") == 1
    assert identity_attempt_message(attempt=last) == (
        "Face recognition did not pass. Try again in good light, facing the camera, with nothing covering "
        "your face. You have used this hour's attempts: try again after 11:00."
    )
    clock.now = first_at + timedelta(hours=1) - timedelta(seconds=1)
    with pytest.raises(ApplicationError) as error:
        face_passes(wechat_draft)
    assert error.value.extra == {
        "code": "too_many_attempts", "limit": IDENTITY_ATTEMPTS_PER_HOUR,
        "retry_after": (first_at + timedelta(hours=1)).isoformat(),
    }
    assert error.value.message == (
        "Too many identity attempts on this ticket in the last hour. Try again after 11:00."
    )
    assert len(attempts_of(wechat_draft)) == IDENTITY_ATTEMPTS_PER_HOUR

    clock.now = first_at + timedelta(hours=1)
    assert face_passes(wechat_draft).outcome == "passed"


def test_the_limit_is_per_ticket(requester, wechat_draft, clock):
    for _ in range(IDENTITY_ATTEMPTS_PER_HOUR):
        attempt(wechat_draft, FACE, {})
    other = DraftFactory(requester=requester)

    assert attempt(other, FACE, {"face": "pass"}).outcome == "passed"
