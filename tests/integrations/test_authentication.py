"""API keys at the door: who gets in, with which message, and what they may then do."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from apps.integrations.models import ApiKey
from apps.integrations.scopes import Scope
from apps.integrations.services import api_key_revoke
from tests.factories import UserFactory
from tests.integrations.conftest import issue, key_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("header", ["bearer", "x-api-key"])
def test_a_valid_key_in_either_header_is_let_in_as_its_integration(crm, header):
    _key, plain = issue(crm, Scope.TICKETS_READ)
    response = key_client(plain, header).get("/scoped")
    assert response.status_code == 200
    assert response.json() == {"user": None, "label": "api:WeChat CRM"}


def _refusal(client: APIClient):
    response = client.get("/scoped")
    body = response.json()
    assert set(body) == {"message", "extra"}
    return response.status_code, body["message"], response.headers.get("WWW-Authenticate")


def test_no_key_is_401_with_the_bearer_challenge(db):
    assert _refusal(APIClient(HTTP_ACCEPT_LANGUAGE="en")) == (
        401, "Authentication credentials were not provided.", 'Bearer realm="api"'
    )


def test_an_unknown_or_mangled_key_is_refused(crm):
    _key, plain = issue(crm, Scope.TICKETS_READ)
    tampered = plain[:-1] + ("A" if plain[-1] != "A" else "B")
    assert _refusal(key_client(tampered))[:2] == (401, "Invalid API key.")
    assert _refusal(key_client("not-a-key"))[:2] == (401, "Invalid API key.")


def test_a_revoked_key_is_refused_with_the_reason(crm):
    key, plain = issue(crm, Scope.TICKETS_READ)
    api_key_revoke(key=key, actor=None)
    assert _refusal(key_client(plain))[:2] == (401, "This API key was revoked.")


def test_a_key_works_until_its_expiry_and_not_a_second_after(crm, frozen):
    _key, plain = issue(crm, Scope.TICKETS_READ, expires_at=frozen.moment + timedelta(hours=1))
    frozen.advance(minutes=59, seconds=59)
    assert key_client(plain).get("/scoped").status_code == 200
    frozen.advance(seconds=1)
    assert _refusal(key_client(plain))[:2] == (401, "This API key has expired.")


def test_a_turned_off_integration_is_refused(crm):
    _key, plain = issue(crm, Scope.TICKETS_READ)
    crm.active = False
    crm.save()
    assert _refusal(key_client(plain))[:2] == (401, "This integration is turned off.")


def test_two_different_keys_in_one_request_are_refused(crm):
    _one, first = issue(crm, Scope.TICKETS_READ)
    _two, second = issue(crm, Scope.TICKETS_READ)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {first}", HTTP_X_API_KEY=second)
    assert _refusal(client)[:2] == (401, "Send one API key, not two different ones.")


def test_last_use_is_written_at_most_once_a_minute(crm, frozen, django_assert_num_queries):
    key, plain = issue(crm, Scope.TICKETS_READ)
    client = key_client(plain)
    with django_assert_num_queries(2):  # read the key, note the use
        client.get("/scoped")
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first == frozen.moment
    frozen.advance(seconds=59)
    with django_assert_num_queries(1):  # read the key only
        client.get("/scoped")
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first
    frozen.advance(seconds=1)
    client.get("/scoped")
    assert ApiKey.objects.get(pk=key.pk).last_used_at == frozen.moment


def test_a_key_hashed_under_a_retired_secret_still_works_and_is_rehashed(crm, settings):
    key, plain = issue(crm, Scope.TICKETS_READ)
    old_hash = key.secret_hash
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test"
    assert key_client(plain).get("/scoped").status_code == 200
    assert ApiKey.objects.get(pk=key.pk).secret_hash not in ("", old_hash)
    settings.SECRET_KEY_FALLBACKS = []
    assert key_client(plain).get("/scoped").status_code == 200


def test_the_hash_is_not_the_key(crm):
    key, plain = issue(crm, Scope.TICKETS_READ)
    stored = ApiKey.objects.get(pk=key.pk)
    assert plain not in stored.secret_hash and stored.secret_hash not in plain
    assert len(stored.secret_hash) == 64


# ------------------------------------------------------------------------------ scopes


def test_a_key_without_the_methods_scope_is_refused_by_name(crm):
    _key, plain = issue(crm, Scope.TICKETS_WRITE)
    response = key_client(plain).get("/scoped")
    assert response.status_code == 403
    assert response.json() == {"message": "This API key lacks the scope tickets:read.", "extra": {}}


def test_every_listed_scope_is_needed(crm):
    _key, plain = issue(crm, Scope.TICKETS_WRITE)
    response = key_client(plain).post("/scoped", {}, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == "This API key lacks the scope actions:write."
    _key, plain = issue(crm, Scope.TICKETS_WRITE, Scope.ACTIONS_WRITE)
    assert key_client(plain).post("/scoped", {}, format="json").status_code == 200


def test_a_method_the_view_names_no_scope_for_is_closed_to_keys(crm):
    _key, plain = issue(crm)  # every scope
    response = key_client(plain).delete("/scoped")
    assert response.status_code == 403
    assert response.json()["message"] == "API keys may not use DELETE here."


def test_head_needs_the_scope_of_get(crm):
    _key, plain = issue(crm, Scope.TICKETS_READ)
    assert key_client(plain).head("/scoped").status_code == 200


def test_a_signed_in_person_passes_without_scopes(db):
    client = APIClient()
    client.force_login(UserFactory())
    response = client.get("/scoped")
    assert response.status_code == 200
    assert response.json()["label"] == ""


# ------------------------------------------------------------------------------ platforms


def test_an_integration_acts_only_for_its_platforms(crm):
    _key, plain = issue(crm, Scope.COMPLAINTS_READ)
    client = key_client(plain)
    assert client.get("/platforms/wechat").json() == {"platform": "wechat"}
    response = client.get("/platforms/alipay")
    assert response.status_code == 403
    assert response.json() == {
        "message": "This integration may not act for the platform alipay.", "extra": {},
    }


def test_a_person_is_not_limited_by_platform(db):
    client = APIClient()
    client.force_login(UserFactory())
    assert client.get("/platforms/alipay").status_code == 200
