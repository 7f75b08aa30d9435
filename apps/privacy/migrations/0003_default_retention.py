"""The default retention periods (docs/privacy.md gives the reasoning); administrators change them."""

from django.db import migrations

DEFAULTS = [
    ("identity_attempts", 30,
     "Only needed while the ticket can be questioned; a month covers a complaint about the decision."),
    ("ip_device", 90,
     "Network data serves fraud and abuse checks; 90 days covers a platform's appeal window."),
    ("phone_numbers", 365,
     "The requester may come back about a related complaint within a year; then the number goes."),
    ("evidence_files", 365,
     "Kept a year after closing for a reconsideration or a court case, which start within months."),
    ("letters_messages", 1095,
     "Three years: the general limitation period for civil claims (Civil Code art. 188)."),
]


def create(apps, schema_editor):
    RetentionPolicy = apps.get_model("privacy", "RetentionPolicy")
    for kind, days, reason in DEFAULTS:
        RetentionPolicy.objects.get_or_create(kind=kind, defaults={"days": days, "reason": reason})


def remove(apps, schema_editor):
    apps.get_model("privacy", "RetentionPolicy").objects.filter(kind__in=[kind for kind, _, _ in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_ticket_closed_index")]

    operations = [migrations.RunPython(create, remove)]
