"""Hot reads compiled once (apps.core.compiled): the same rows as the ORM, fewer compilations."""

import pytest
from django.db import connection, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from apps.core import compiled
from apps.core.compiled import compiled_rows
from apps.policy.models import Platform

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "code")


def by_code(code):
    return Platform.objects.only(*COLUMNS).filter(code=code)


@pytest.fixture(autouse=True)
def _forget():
    compiled._SQL.clear()
    yield
    compiled._SQL.clear()


@pytest.fixture
def compilations(monkeypatch):
    """How many times the ORM composes a SELECT."""
    counted = []
    original = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        counted.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    return counted


def test_later_values_reuse_the_first_statement_and_find_their_own_rows(compilations):
    wechat = compiled_rows(Platform, ("by_code", COLUMNS), by_code, ["wechat"])
    alipay = compiled_rows(Platform, ("by_code", COLUMNS), by_code, ["alipay"])
    nothing = compiled_rows(Platform, ("by_code", COLUMNS), by_code, ["no-such-platform"])

    assert [p.pk for p in wechat] == [Platform.objects.get(code="wechat").pk]
    assert [p.pk for p in alipay] == [Platform.objects.get(code="alipay").pk]
    assert nothing == []
    assert compilations.count(Platform) == 1 + 2  # once here, then the two get()s of the check


def test_the_rows_are_model_instances_whose_other_columns_load_on_use():
    (wechat,) = compiled_rows(Platform, ("by_code", COLUMNS), by_code, ["wechat"])
    assert isinstance(wechat, Platform)
    assert wechat.get_deferred_fields()  # only the named columns were read
    with CaptureQueriesContext(connection) as queries:
        assert wechat.name == Platform.objects.get(code="wechat").name
    assert len(queries) == 2  # the deferred column, then the check's own read


def test_a_query_whose_parameters_are_not_the_values_runs_through_the_orm_each_time(compilations):
    """Here the parameters come in another order than the values: the SQL is never kept."""

    def swapped(code, name):
        return Platform.objects.filter(name=name).filter(code=code)

    wechat = Platform.objects.get(code="wechat")
    assert compiled_rows(Platform, ("swapped",), swapped, ["wechat", wechat.name]) == [wechat]
    assert compiled_rows(Platform, ("swapped",), swapped, ["wechat", "another name"]) == []
    # The get(); the first call twice (its check, then its rows); the second call once again.
    assert compilations.count(Platform) == 4


def test_a_locking_read_keeps_its_lock_clause():
    def locked(code):
        return Platform.objects.select_for_update().only(*COLUMNS).filter(code=code)

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        compiled_rows(Platform, ("locked", COLUMNS), locked, ["wechat"])
        compiled_rows(Platform, ("locked", COLUMNS), locked, ["alipay"])
    if connection.features.has_select_for_update:
        assert all(query["sql"].endswith("FOR UPDATE") for query in queries.captured_queries)
