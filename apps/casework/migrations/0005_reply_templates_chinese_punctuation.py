"""Chinese punctuation in the reply templates' Chinese texts: the defaults of 0002 had ASCII commas and brackets."""

from django.db import migrations

from apps.core.text import chinese_punctuation, has_ascii_punctuation_by_chinese


def polish(apps, schema_editor):
    ReplyTemplate = apps.get_model("casework", "ReplyTemplate")
    fields = [f.name for f in ReplyTemplate._meta.concrete_fields if f.name in ("title", "body")]
    for row in ReplyTemplate.objects.all():
        changed = [name for name in fields if has_ascii_punctuation_by_chinese(getattr(row, name) or "")]
        for name in changed:
            setattr(row, name, chinese_punctuation(getattr(row, name)))
        if changed:
            row.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("casework", "0004_requester_message_notice")]

    operations = [migrations.RunPython(polish, migrations.RunPython.noop)]
