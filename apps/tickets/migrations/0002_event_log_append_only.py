"""Make the ticket event log append-only in PostgreSQL itself, not only in the ORM."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION tickets_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'tickets_ticketevent is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tickets_event_append_only
    BEFORE UPDATE OR DELETE ON tickets_ticketevent
    FOR EACH ROW EXECUTE FUNCTION tickets_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS tickets_event_append_only ON tickets_ticketevent;
DROP FUNCTION IF EXISTS tickets_event_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
