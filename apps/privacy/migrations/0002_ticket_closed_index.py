"""The index the retention run walks: closed tickets by when they closed (apps/privacy/retention.py).

It sits on the tickets' table but serves only the privacy app, so it is created here; its expression
is retention.CLOSED_AT_SQL, copied as it stood (a migration must not change when the code does).
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS privacy_ticket_closed_idx ON tickets_withdrawalticket
((GREATEST(updated_at, decided_at, CASE WHEN status = 'expired' THEN complaint_resolution_at END)), id)
WHERE status IN ('approved', 'refused', 'routed', 'expired', 'cancelled')
"""
DROP = "DROP INDEX IF EXISTS privacy_ticket_closed_idx"


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("tickets", "0008_queue_loss_index"),
    ]

    # PostgreSQL only (GREATEST, an expression index): the embedded SQLite walks the table instead.
    operations = [migrations.RunPython(_create, _drop)]
