"""Step 2 of 3: encrypt the addresses already stored (reversible)."""

from django.db import migrations

from apps.core.crypto.migration_ops import encrypt_operation

forward, backward = encrypt_operation("identity", {"IdentityVerificationAttempt": {"columns": ["ip_address"]}})


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0002_ip_address_plain_text"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
