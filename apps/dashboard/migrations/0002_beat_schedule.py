"""The dashboard's beat schedule: its snapshot is recomputed every minute."""

from django.db import migrations

NAME = "dashboard: refresh the figures"
TASK = "dashboard.snapshot_refresh"
DESCRIPTION = (
    "Recomputes every figure of the supervisor dashboard (about a second of database time with a "
    "million tickets); the page reads the result and says how old it is."
)


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": interval, "enabled": True, "description": DESCRIPTION}
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
