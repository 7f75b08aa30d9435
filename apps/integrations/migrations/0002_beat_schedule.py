"""The integration layer's beat schedules, kept by django-celery-beat so supervisors can tune them."""

from django.db import migrations

SCHEDULES = [
    # name, task, every, period, description
    ("webhooks: send due deliveries", "integrations.webhook_sweep", 1, "minutes",
     "Queues webhook deliveries due for a first try or a retry whose task was lost."),
    ("webhooks: catch up on events", "integrations.webhook_catch_up", 1, "minutes",
     "Creates deliveries for ticket events inserted in bulk (the clock sweep)."),
    ("api: purge idempotency records", "integrations.idempotency_purge", 1, "hours",
     "Deletes responses stored for Idempotency-Key retries once they are a day old."),
]


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, period, description in SCHEDULES:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={"task": task, "interval": interval, "enabled": True, "description": description},
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
