"""The requester's number is encrypted at rest (accounts 0003-0005): a trigram index on its
ciphertext finds nothing. The search matches its last four digits by `phone_last4_hash` instead."""

from django.db import migrations


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX IF EXISTS "search_user_phone_trgm"')


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE INDEX IF NOT EXISTS "search_user_phone_trgm" ON "accounts_user" USING gin ("phone" gin_trgm_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0002_search_indexes"),
        ("accounts", "0003_personal_data_plain_text"),
    ]

    operations = [migrations.RunPython(drop, create)]
