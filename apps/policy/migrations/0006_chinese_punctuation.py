"""Chinese punctuation in the policy's Chinese texts: the defaults of 0002 had ASCII commas and brackets.

Only the Chinese prose fields (not their English twins, names matched against letters or number
patterns); an administrator's text gets the same treatment, which changes only punctuation beside
Chinese characters.
"""

from django.db import migrations

from apps.core.text import chinese_punctuation_fix

FIELDS = {
    "Platform": ["complaint_number_hint", "entry_point", "entry_path"],
    "ComplaintNumberLookalike": ["hint"],
    "DocumentRequirement": ["description", "name", "formality"],
    "ComplaintType": ["name", "key_condition", "refusal_reason"],
    "EvidenceTier": ["name", "description"],
    "EvidenceFormat": ["name"],
    "LetterPhrase": ["advice"],
    "Stage": ["name"],
    "SpecialCase": ["name"],
    "AlternativeRoute": ["name"],
}


def polish(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        chinese_punctuation_fix(apps.get_model("policy", model_name).objects.all(), fields)


class Migration(migrations.Migration):
    dependencies = [("policy", "0005_notice_limits")]

    operations = [migrations.RunPython(polish, migrations.RunPython.noop)]
