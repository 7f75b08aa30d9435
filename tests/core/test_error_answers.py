"""Errors Django answers itself: the API's shape under /api/, a branded page elsewhere; a database
that cannot be reached is a 503 with Retry-After, made for real (a closed port, a killed backend)."""

import json
import socket

import psycopg
import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.test import Client
from django.utils import translation

from apps.integrations.models import Integration
from tests.api.conftest import issue
from tests.factories import TicketFactory


def client(language: str | None = None) -> Client:
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return Client(raise_request_exception=False, **headers)


def is_api_error(response) -> bool:
    return response["Content-Type"] == "application/json" and set(response.json()) == {"message", "extra"}


@pytest.mark.django_db
def test_an_unknown_api_address_is_a_json_404():
    response = client("en").get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "extra": {}}


@pytest.mark.django_db
def test_an_unknown_page_is_the_branded_404_in_chinese_by_default_and_english_when_asked():
    chinese = client().get("/nowhere/")
    assert chinese.status_code == 404
    assert "找不到页面" in chinese.content.decode() and 'lang="zh-hans"' in chinese.content.decode()
    english = client("en").get("/nowhere/")
    assert "Page not found" in english.content.decode() and 'lang="en"' in english.content.decode()


@pytest.mark.django_db
def test_a_method_an_api_view_lacks_is_a_405_in_the_api_shape():
    response = client("en").delete("/api/v1/preview")
    assert response.status_code == 405 and is_api_error(response)
    assert response["Allow"]


@pytest.mark.parametrize("template", ["400.html", "403.html", "404.html", "500.html", "503.html"])
@pytest.mark.parametrize(("language", "brand"), [("zh-hans", "撤回助手"), ("en", "Chehui helps you")])
def test_each_error_page_renders_without_a_request_or_a_database(template, language, brand):
    with translation.override(language):
        page = loader.get_template(template).render({"message": "m", "status": 400})
    assert brand in page and f'lang="{language}"' in page


def test_a_403_page_and_a_forbidden_api_call(rf):
    from apps.core.views import permission_denied

    web = permission_denied(rf.get("/workspace/", HTTP_ACCEPT_LANGUAGE="en"))
    assert web.status_code == 403 and "Not allowed" in web.content.decode()
    api = permission_denied(rf.get("/api/v1/tickets/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert api.status_code == 403
    assert api.content.decode("utf-8") == '{"message": "您没有执行此操作的权限。", "extra": {}}'


class FailingMiddleware:
    """A layer outside DRF that raises: the answer still has the right shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raise RuntimeError("boom")


@pytest.mark.django_db
def test_an_error_outside_drf_is_a_json_500_under_the_api_and_a_branded_page_elsewhere(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.core.test_error_answers.FailingMiddleware"]
    api = client("en").get("/api/v1/policies/")
    assert api.status_code == 500 and is_api_error(api)
    web = client("en").get("/")
    assert web.status_code == 500 and "Something went wrong" in web.content.decode()


# ------------------------------------------------------------------- the database unreachable


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Transactional (the request must see committed rows), with the policy rows kept (serialized).
on_a_real_connection = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def database_down():
    """The default connection pointed at a closed port, as during a PostgreSQL restart."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    yield
    connection.close()
    connection.settings_dict.update(HOST=saved["HOST"], PORT=saved["PORT"])


@pytest.fixture
def key() -> str:
    integration = Integration.objects.create(name="CRM")
    return issue(integration)[1]


@on_a_real_connection
def test_an_api_write_while_the_database_is_down_is_a_503_with_retry_after(key, database_down):
    response = client("en").post(
        "/api/v1/tickets/",
        {"platform": "wechat", "requester_phone": "13912345678"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "message": "The service is briefly unavailable. Try again in 5 seconds.",
        "extra": {"code": "unavailable"},
    }


@on_a_real_connection
def test_a_failure_outside_drf_while_the_database_is_down_is_a_503_too(settings, database_down):
    """Raised in a middleware (as a session or user load would), so only handler500 sees it."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.core.test_error_answers.QueryingMiddleware"]
    api = client("en").get("/api/v1/policies/")
    assert api.status_code == 503 and api["Retry-After"] == "5" and is_api_error(api)
    web = client().get("/")
    assert web.status_code == 503 and web["Retry-After"] == "5"
    assert "暂时无法使用" in web.content.decode()
    english = client("en").get("/")
    assert "Briefly unavailable" in english.content.decode()


class QueryingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return self.get_response(request)


@on_a_real_connection
def test_a_web_page_whose_session_cannot_load_is_a_branded_503():
    ticket = TicketFactory()
    browser = client("en")
    browser.force_login(ticket.requester)
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        response = browser.get(f"/tickets/{ticket.reference}/")
    finally:
        connection.close()
        connection.settings_dict.update(HOST=saved["HOST"], PORT=saved["PORT"])
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Briefly unavailable" in response.content.decode()


@on_a_real_connection
def test_an_api_call_on_a_connection_the_server_killed_is_a_503(key):
    """The backend serving this process is terminated (as a restart does) between two requests."""
    api = client("en")
    assert api.get("/api/v1/policies/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("server_side_binding", None)
    params.pop("context", None)
    params.pop("cursor_factory", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    try:
        response = api.get("/api/v1/policies/", HTTP_AUTHORIZATION=f"Bearer {key}")
    finally:
        connection.close()
    assert response.status_code == 503 and response["Retry-After"] == "5" and is_api_error(response)


def test_an_html_error_from_outside_drf_under_the_api_is_reshaped_keeping_its_headers(rf):
    from django.http import HttpResponseNotAllowed

    from apps.core.middleware import ApiErrorShapeMiddleware

    middleware = ApiErrorShapeMiddleware(lambda request: HttpResponseNotAllowed(["GET"]))
    api = middleware(rf.post("/api/v1/anything", HTTP_ACCEPT_LANGUAGE="en"))
    assert api.status_code == 405 and api["Allow"] == "GET"
    assert json.loads(api.content) == {"message": "This method is not allowed here.", "extra": {}}
    web = middleware(rf.post("/healthz"))
    assert web.status_code == 405 and web["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_web_form_over_the_upload_limit_is_a_branded_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client("en").post("/account/sign-in/", {"phone": "1" * 500})
    assert response.status_code == 413
    assert "The request body is too large" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
