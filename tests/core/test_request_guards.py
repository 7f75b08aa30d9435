"""Whatever cannot name a record or be a value is refused before any query: never a 500."""

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from apps.tickets.models import new_ticket_reference
from tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db

NUL_PATHS = [
    "/api/v1/tickets/X%00",
    "/api/v1/tickets/CH-AAAA-BBBB%00/events",
    "/api/v1/evidence/1%00/download",
    "/workspace/case/X%00/",
    "/tickets/X%00/",
    "/withdraw/X%00/letter/",
    "/evidence/1%00/",
    "/dashboard/x%00.csv",
    "/admin/tickets/withdrawalticket/1%00/change/",
]


def client(language: str = "en") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)


def test_every_new_reference_matches_the_reference_converter():
    for _ in range(200):
        reference = new_ticket_reference()
        assert resolve(f"/api/v1/tickets/{reference}").kwargs == {"reference": reference}
        assert resolve(f"/workspace/case/{reference}/").kwargs == {"reference": reference}
        assert resolve(f"/tickets/{reference}/").kwargs == {"reference": reference}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/X\x00",
        "/api/v1/tickets/ch-aaaa-bbbb",
        "/api/v1/tickets/CH-AAAA-BBB0",  # 0 is not in the alphabet
        "/workspace/case/CH-AAAA-BBBB\x00/",
        "/withdraw/CH-AAAA-BBBB\x00/letter/",
        "/tickets/CH-AAAA-BBBB/evidence\x00/",
        "/workspace/case/CH-AAAA-BBBB/approve\x00/",
        "/api/v1/evidence/1234567890123456789/download",  # past a bigint
        "/evidence/99999999999999999999/",
    ],
)
def test_a_path_that_cannot_name_a_record_does_not_resolve(path):
    with pytest.raises(Resolver404):
        resolve(path)


@pytest.mark.parametrize("path", NUL_PATHS)
def test_a_nul_byte_in_the_path_is_a_400_never_a_500(path):
    response = client().get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json() == {"message": "The address contains a NUL character (\\0).", "extra": {}}
    else:
        assert "The address contains a NUL character (\\0)." in response.content.decode()


def test_a_malformed_reference_under_the_api_is_a_404_in_the_api_shape(crm_key):
    response = client().get("/api/v1/tickets/CH-0000-0000", HTTP_AUTHORIZATION=f"Bearer {crm_key}")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "extra": {}}


@pytest.fixture
def crm_key(db) -> str:
    from apps.integrations.models import Integration
    from tests.api.conftest import issue

    return issue(Integration.objects.create(name="CRM"))[1]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/?status=%00",
        "/api/v1/tickets/?platform=we%00chat",
        "/api/v1/complaints/lookup?platform=wechat&number=1%00",
        "/api/v1/preview?platform=wechat%00&complaint_type=fraud&complaint_filed_at=2026-11-24T10:00:00Z",
        "/api/v1/tickets/?q%00=1",
    ],
)
def test_a_nul_byte_in_a_query_parameter_is_a_400_naming_it(crm_key, path):
    response = client().get(path, HTTP_AUTHORIZATION=f"Bearer {crm_key}")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "extra"}
    (name,) = body["extra"]["fields"]
    assert body["message"] == f"“{name}” contains a NUL character (\\0), which no value here may contain."


def test_a_nul_byte_in_a_web_search_is_a_branded_400_in_chinese_by_default():
    agent = UserFactory(is_staff=True)
    browser = Client(raise_request_exception=False)
    browser.force_login(agent)
    response = browser.get("/workspace/", {"q": "CH-\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "撤" in page and "含有 NUL 字符" in page


def test_a_nul_byte_in_a_form_field_is_a_400():
    ticket = TicketFactory()
    browser = client()
    browser.force_login(ticket.requester)
    response = browser.post(f"/tickets/{ticket.reference}/reply/", {"message": "hello\x00"})
    assert response.status_code == 400
    assert "“message” contains a NUL character" in response.content.decode()


def test_a_nul_byte_in_a_header_is_a_400(crm_key):
    response = client().get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Bearer {crm_key}\x00")
    assert response.status_code == 400
    assert response.json()["message"] == "The header “Authorization” contains a NUL character (\\0)."
