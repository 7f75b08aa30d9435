"""Trigram indexes for the workspace's search (apps/workspace/search.py), on PostgreSQL only.

pg_trgm's GIN indexes serve `ILIKE '%term%'` and equality, Chinese included (the database's
C.UTF-8 or other UTF-8 locale classifies CJK characters as letters). SQLite, the embedded
default, searches the same columns without them. Built without CONCURRENTLY, inside the
migration's transaction: on a large live table, build them by hand with CONCURRENTLY first
(the names are the same, IF NOT EXISTS makes this migration a no-op then).
"""

from django.db import migrations

INDEXES = (
    ("search_ticket_reference_trgm", "tickets_withdrawalticket", "reference"),
    ("search_complaint_number_trgm", "complaints_complaint", "number"),
    ("search_complaint_respondent_trgm", "complaints_complaint", "respondent"),
    ("search_letter_body_trgm", "tickets_letter", "body"),
    ("search_letter_reason_trgm", "tickets_letter", "reason"),
    ("search_letter_respondent_trgm", "tickets_letter", "respondent"),
    ("search_message_body_trgm", "conversation_message", "body"),
    ("search_user_display_name_trgm", "accounts_user", "display_name"),
    ("search_user_phone_trgm", "accounts_user", "phone"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0001_initial"),
        ("tickets", "0007_event_kinds_conversation"),
        ("complaints", "0001_initial"),
        ("conversation", "0001_initial"),
        ("accounts", "0002_sms_challenge"),
    ]

    operations = [migrations.RunPython(create, drop)]
