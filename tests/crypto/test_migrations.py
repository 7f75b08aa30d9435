"""The data migrations encrypt the rows already there, and give the plaintext back when reversed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.identity.models import IdentityVerificationAttempt
from tests.factories import TicketFactory

# Migrations alter tables: each must commit, as under `manage.py migrate` (no pending FK triggers).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TABLE = "identity_identityverificationattempt"
BEFORE = ("identity", "0001_initial")  # the address was an inet column then


def migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def raw_ip(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ip_address::text FROM {TABLE} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_existing_addresses_are_encrypted_and_decrypted_back():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("identity")
    ticket = TicketFactory()
    migrate([BEFORE])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (ticket_id, method, provider, provider_reference,"  # noqa: S608
            " outcome, reason, ip_address, attempted_at) VALUES (%s, 'face_recognition', 'dev', '', 'passed',"
            " '', '203.0.113.45', now()), (%s, 'face_recognition', 'dev', '', 'error', '', NULL, now())"
            " RETURNING id",
            [ticket.pk, ticket.pk],
        )
        with_ip, without_ip = (row[0] for row in cursor.fetchall())
    try:
        migrate(latest)
        assert raw_ip(with_ip).startswith("enc1:") and "203.0.113" not in raw_ip(with_ip)
        assert raw_ip(without_ip) is None
        assert IdentityVerificationAttempt.objects.get(pk=with_ip).ip_address == "203.0.113.45"

        migrate([BEFORE])
        assert raw_ip(with_ip) == "203.0.113.45/32"  # an inet again, holding the plaintext
        assert raw_ip(without_ip) is None
    finally:
        migrate(latest)
    assert IdentityVerificationAttempt.objects.get(pk=with_ip).ip_address == "203.0.113.45"
