"""The workspace's beat schedules, kept by django-celery-beat so supervisors can see and tune them."""

from django.db import migrations

SCHEDULES = [
    # name, task, every (minutes), description
    ("workspace: assign received tickets", "casework.auto_assign", 1,
     "Inside service hours, gives each received ticket to the least-loaded agent who handles it."),
    ("workspace: deadlines within the hour", "casework.deadline_soon", 1,
     "Tells assignees once per deadline that a first-contact or decision deadline is under an hour away."),
    ("workspace: breach notices", "casework.breach_notices", 1,
     "Turns the clock's breach events into in-app notices for the agent and the team supervisor."),
]


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minutes, description in SCHEDULES:
        interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={"task": task, "interval": interval, "enabled": True, "description": description},
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, _, _, _ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0002_default_reply_templates"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
