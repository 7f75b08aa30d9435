"""The default policy and reply templates: no ASCII comma or bracket beside a Chinese character."""

import pytest
from django.apps import apps
from django.db import models

from apps.core.text import chinese_punctuation, has_ascii_punctuation_by_chinese

pytestmark = pytest.mark.django_db

# What a person reads; what is matched (patterns, examples, codes, letter phrases) is left as written.
NOT_PROSE = {"code", "complaint_number_pattern", "complaint_number_example", "phrase", "pattern", "example"}


def chinese_prose_fields(model) -> list[str]:
    return [
        field.name for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.name.endswith("_en") and field.name not in NOT_PROSE
    ]


@pytest.mark.parametrize(
    "model", [*apps.get_app_config("policy").get_models(), apps.get_model("casework", "ReplyTemplate")],
    ids=lambda model: model._meta.label,
)
def test_every_default_chinese_text_uses_chinese_punctuation(model):
    offending = [
        (row.pk, name, getattr(row, name))
        for row in model.objects.all()
        for name in chinese_prose_fields(model)
        if isinstance(getattr(row, name), str) and has_ascii_punctuation_by_chinese(getattr(row, name))
    ]
    assert not offending


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("与侵权主张相关的法律文书,如和解协议、律师函。", "与侵权主张相关的法律文书，如和解协议、律师函。"),
        ("投诉详情页的「投诉编号」(以 ZFB 开头)。", "投诉详情页的「投诉编号」（以 ZFB 开头）。"),
        ("请填写投诉编号: 它在顶部", "请填写投诉编号：它在顶部"),
        ("14:30 前, 3,000 元", "14:30 前，3,000 元"),  # between digits: left alone
        ("Plain English, (untouched): yes", "Plain English, (untouched): yes"),
    ],
)
def test_chinese_punctuation_swaps_only_what_stands_by_chinese(written, read):
    assert chinese_punctuation(written) == read
