"""Chinese punctuation in the reply templates' Chinese texts: the defaults of 0002 had ASCII commas and brackets."""

from django.db import migrations

from apps.core.text import chinese_punctuation_fix


def polish(apps, schema_editor):
    ReplyTemplate = apps.get_model("casework", "ReplyTemplate")
    chinese_punctuation_fix(ReplyTemplate.objects.all(), ["title", "body"])


class Migration(migrations.Migration):
    dependencies = [("casework", "0004_requester_message_notice")]

    operations = [migrations.RunPython(polish, migrations.RunPython.noop)]
