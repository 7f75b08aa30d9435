"""The queue's order inside a decaying stage (apps/workspace/queue.py): the latest entered first.

On PostgreSQL only, in raw SQL: the index's NULLS LAST matches the page's ORDER BY, which the
SQLite of the embedded default cannot declare in an index (its queries emulate the order).
"""

from django.db import migrations

QUEUE_STATUSES = ("received", "assigned", "waiting_on_requester")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statuses = ", ".join(f"'{status}'" for status in QUEUE_STATUSES)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS ticket_queue_loss_idx ON tickets_withdrawalticket "
        "(stage_id, stage_entered_at DESC NULLS LAST, decision_due_at ASC NULLS LAST, id) "
        f"WHERE status IN ({statuses})"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_queue_loss_idx")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_event_kinds_conversation")]

    operations = [migrations.RunPython(create, drop)]
