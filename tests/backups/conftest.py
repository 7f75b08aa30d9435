"""Fixtures of the backup tests: tickets with events and evidence, committed; an empty database."""

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg.conninfo import make_conninfo

from apps.backups.postgres import conninfo
from apps.evidence.models import EvidenceFile
from apps.tickets.models import TicketEvent, WithdrawalTicket
from tests.evidence import files
from tests.evidence.uploads import upload
from tests.factories import DraftFactory


@pytest.fixture
def tickets_with_evidence(db) -> list[WithdrawalTicket]:
    """Three drafts: two PDFs on one, the first of them again on another (its own file), none on the last."""
    tickets = [DraftFactory() for _ in range(3)]
    upload(tickets[0], files.pdf_bytes("一 one"), "一.pdf")
    upload(tickets[0], files.pdf_bytes("二 two", pages=2), "二.pdf")
    upload(tickets[1], files.pdf_bytes("一 one"), "一 again.pdf")
    return tickets


def _admin() -> psycopg.Connection[Any]:
    server = {**settings.DATABASES["default"], "NAME": "postgres"}
    return psycopg.connect(make_conninfo(**conninfo(server)), autocommit=True)


@pytest.fixture
def empty_database() -> Iterator[dict[str, Any]]:
    """A brand-new PostgreSQL database (a Django DATABASES entry), dropped afterwards."""
    name = f"{settings.DATABASES['default']['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**settings.DATABASES["default"], "NAME": name}
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


TABLES = {
    "tickets": WithdrawalTicket._meta.db_table,
    "events": TicketEvent._meta.db_table,
    "evidence": EvidenceFile._meta.db_table,
}


def rows_here(table: str) -> list[tuple[Any, ...]]:
    """Every row of a table as PostgreSQL writes it out, so both sides compare whatever their types."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT row_t::text FROM "{table}" AS row_t ORDER BY id')  # noqa: S608
        return list(cursor.fetchall())


def query_in(database: dict[str, Any], sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(make_conninfo(**conninfo(database))) as other:
        return list(other.execute(sql).fetchall())  # type: ignore[call-overload]


def rows_in(database: dict[str, Any], table: str) -> list[tuple[Any, ...]]:
    return query_in(database, f'SELECT row_t::text FROM "{table}" AS row_t ORDER BY id')  # noqa: S608
