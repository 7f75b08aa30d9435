"""The retention run's beat schedule: daily at 03:30 Beijing time, when few people use the service."""

from django.db import migrations

NAME = "privacy: erase what has passed its retention period"
TASK = "privacy.retention_run"
DESCRIPTION = (
    "Erases or anonymises personal data whose retention period (admin: retention periods) has passed "
    "since its ticket closed; records each kind's row counts as an erasure run, never the values."
)


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={"task": TASK, "crontab": crontab, "interval": None, "enabled": True, "description": DESCRIPTION},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_default_retention"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
