"""Run the webhook sweep every 30 s: a delivery whose task was lost goes out within a minute."""

from django.db import migrations

NAME = "webhooks: send due deliveries"


def every(seconds: int, minutes: int):
    def change(apps, schema_editor):
        IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        interval, _ = (
            IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
            if seconds
            else IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        )
        PeriodicTask.objects.filter(name=NAME).update(interval=interval)

    return change


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_beat_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(every(30, 0), every(0, 1))]
