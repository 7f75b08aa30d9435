"""The development provider: decides from the payload, issues real SMS codes and logs them."""

import logging

import pytest

from apps.identity.providers import (
    DEFAULT_PROVIDER,
    Challenge,
    DevelopmentProvider,
    ProviderResult,
    identity_provider_get,
)
from tests.identity.fakes import UnreachableProvider

pytestmark = pytest.mark.django_db

FACE, SMS = "face_recognition", "sms_code"


@pytest.fixture
def provider() -> DevelopmentProvider:
    return DevelopmentProvider()


def verify(provider, ticket, method, payload) -> ProviderResult:
    return provider.verify(method=method, user=ticket.requester, ticket=ticket, payload=payload)


def issue_code(provider, ticket, caplog) -> tuple[Challenge, str]:
    with caplog.at_level(logging.INFO, logger="chehui.identity"):
        challenge = provider.challenge(method=SMS, user=ticket.requester, ticket=ticket)
    record = [record for record in caplog.records if record.name == "chehui.identity"][-1]
    return challenge, record.sms_code


# ------------------------------------------------------------------------------ face and the others
def test_a_face_check_passes_when_the_payload_says_so(provider, wechat_draft, clock):
    result = verify(provider, wechat_draft, FACE, {"face": "pass"})

    assert result.outcome == "passed"
    assert result.reference.startswith("dev-")
    assert result.reason == ""


@pytest.mark.parametrize(
    "payload", [{}, {"face": "reject"}, {"face": "PASS"}, {"face": True}, {"result": "pass"}]
)
def test_anything_else_rejects_the_face_with_a_reason(provider, wechat_draft, payload, clock):
    result = verify(provider, wechat_draft, FACE, payload)

    assert (result.outcome, result.reason) == ("rejected", "face did not match the account holder")


def test_the_payload_may_say_why_it_was_rejected(provider, wechat_draft, clock):
    result = verify(provider, wechat_draft, FACE, {"face": "reject", "reason": "liveness check failed"})

    assert (result.outcome, result.reason) == ("rejected", "liveness check failed")


def test_the_payload_may_play_a_provider_error(provider, wechat_draft, clock):
    assert verify(provider, wechat_draft, FACE, {"face": "error"}).outcome == "error"


@pytest.mark.parametrize(
    ("method", "key"),
    [("payment_password", "password"), ("real_name", "real_name"), ("digital_certificate", "certificate")],
)
def test_each_platforms_own_method_reads_its_own_key(provider, alipay_draft, method, key, clock):
    assert verify(provider, alipay_draft, method, {key: "pass"}).outcome == "passed"
    assert verify(provider, alipay_draft, method, {"face": "pass"}).outcome == "rejected"


# ------------------------------------------------------------------------------ SMS codes
def test_an_sms_code_is_issued_and_logged_not_sent(provider, wechat_draft, caplog, clock):
    challenge, code = issue_code(provider, wechat_draft, caplog)

    assert len(code) == 6
    assert code.isdigit()
    (record,) = [record for record in caplog.records if record.name == "chehui.identity"]
    assert code in record.getMessage()
    assert "139****5678" in record.getMessage()
    assert "13912345678" not in record.getMessage()
    assert challenge.sent_to == "139****5678"
    assert challenge.expires_at == clock.now + DevelopmentProvider.SMS_CODE_LIFETIME


def test_the_right_code_passes_once(provider, wechat_draft, caplog, clock):
    challenge, code = issue_code(provider, wechat_draft, caplog)

    first = verify(provider, wechat_draft, SMS, {"code": code})
    again = verify(provider, wechat_draft, SMS, {"code": code})

    assert (first.outcome, first.reference) == ("passed", challenge.reference)
    assert (again.outcome, again.reason) == ("rejected", "no code was sent, or it was replaced")


def test_a_code_typed_with_spaces_still_counts(provider, wechat_draft, caplog, clock):
    _challenge, code = issue_code(provider, wechat_draft, caplog)

    assert verify(provider, wechat_draft, SMS, {"code": f" {code[:3]} {code[3:]} "}).outcome == "passed"


def test_a_wrong_code_is_rejected_and_the_right_one_still_works(provider, wechat_draft, caplog, clock):
    _challenge, code = issue_code(provider, wechat_draft, caplog)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    assert verify(provider, wechat_draft, SMS, {"code": wrong}).reason == "wrong code"
    assert verify(provider, wechat_draft, SMS, {}).reason == "wrong code"
    assert verify(provider, wechat_draft, SMS, {"code": code}).outcome == "passed"


def test_a_code_is_good_for_five_minutes_to_the_second(provider, wechat_draft, caplog, clock):
    _challenge, code = issue_code(provider, wechat_draft, caplog)
    clock.advance(minutes=5)
    assert verify(provider, wechat_draft, SMS, {"code": code}).outcome == "passed"

    _challenge, code = issue_code(provider, wechat_draft, caplog)
    clock.advance(minutes=5, seconds=1)
    result = verify(provider, wechat_draft, SMS, {"code": code})
    assert (result.outcome, result.reason) == ("rejected", "code expired")


def test_a_new_code_replaces_the_old_one(provider, wechat_draft, caplog, clock):
    _challenge, old = issue_code(provider, wechat_draft, caplog)
    _challenge, new = issue_code(provider, wechat_draft, caplog)

    if old != new:
        assert verify(provider, wechat_draft, SMS, {"code": old}).reason == "wrong code"
    assert verify(provider, wechat_draft, SMS, {"code": new}).outcome == "passed"


def test_a_code_belongs_to_its_ticket(provider, wechat_draft, caplog, clock):
    from tests.factories import DraftFactory

    other = DraftFactory(requester=wechat_draft.requester)
    _challenge, code = issue_code(provider, wechat_draft, caplog)

    assert verify(provider, other, SMS, {"code": code}).outcome == "rejected"


def test_only_sms_codes_have_a_challenge(provider, wechat_draft):
    with pytest.raises(ValueError, match="needs no challenge"):
        provider.challenge(method=FACE, user=wechat_draft.requester, ticket=wechat_draft)


# ------------------------------------------------------------------------------ choosing the provider
def test_the_development_provider_stands_in_by_default(settings):
    if hasattr(settings, "IDENTITY_PROVIDER"):
        del settings.IDENTITY_PROVIDER

    assert isinstance(identity_provider_get(), DevelopmentProvider)
    assert DEFAULT_PROVIDER == "apps.identity.providers.DevelopmentProvider"


def test_the_setting_chooses_the_provider(settings):
    settings.IDENTITY_PROVIDER = "tests.identity.fakes.UnreachableProvider"

    assert isinstance(identity_provider_get(), UnreachableProvider)
