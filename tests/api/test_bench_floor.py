"""`make bench-api`'s floor: routed only with CHEHUI_BENCH_FLOOR; authenticated as ticket creation."""

import importlib

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import clear_url_caches
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

import apps.api.urls
import config.urls
from apps.api.apis.floor import FLOOR_TABLE_SQL
from tests.api.conftest import issue, key_client

pytestmark = pytest.mark.django_db

FLOOR = "/api/v1/_bench/floor"


def _urls_reload() -> None:
    """Rebuild the URLs from the settings in force (apps.api.urls reads BENCH_FLOOR at import)."""
    importlib.reload(apps.api.urls)
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def floor_on():
    with override_settings(BENCH_FLOOR=True):
        _urls_reload()
        with connection.cursor() as cursor:  # the bench creates it; here it goes with the test's rollback
            cursor.execute(FLOOR_TABLE_SQL)
        yield
    _urls_reload()


def _floor_rows() -> list[tuple[int, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, key_id FROM bench_floor ORDER BY id")
        return list(cursor.fetchall())


def test_without_the_setting_the_floor_does_not_exist(crm):
    response = key_client(issue(crm)[1]).post(FLOOR, {}, format="json")
    assert response.status_code == 404


def test_a_key_that_may_create_tickets_inserts_one_row(floor_on, crm):
    key, plain = issue(crm, "tickets:write")
    response = key_client(plain).post(FLOOR, {}, format="json")
    assert response.status_code == 201
    assert _floor_rows() == [(response.json()["id"], key.pk)]


def test_without_a_key_the_floor_answers_401(floor_on, db):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(FLOOR, {}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert _floor_rows() == []


def test_a_key_without_the_ticket_creation_scope_is_refused(floor_on, crm):
    response = key_client(issue(crm, "tickets:read")[1]).post(FLOOR, {}, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == "This API key lacks the scope tickets:write."
    assert _floor_rows() == []


def test_the_floor_is_left_out_of_the_schema(floor_on):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/tickets/" in schema["paths"]
    assert not [path for path in schema["paths"] if "_bench" in path]
