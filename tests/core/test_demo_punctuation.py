"""Chinese text in the demo uses Chinese punctuation: ，。：；（）！？ inside Chinese sentences."""

import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from apps.accounts.models import Team, User
from apps.complaints.models import Complaint
from apps.conversation.models import Message
from apps.core.demo import demo_seed, words
from apps.identity.models import IdentityVerificationAttempt
from apps.policy.models import ComplaintType
from apps.tickets.models import Letter, TicketEvent, WithdrawalTicket

DAY = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\u3001-\u303f“”‘’]"  # ideographs, 、。「」 and quotes
# ASCII punctuation touching a Chinese character (digits, URLs and English around it are fine).
ASCII_IN_CHINESE = re.compile(rf"(?<={CJK})[,.:;()!?]|[,.:;()!?](?={CJK})")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _offences(texts: list[str]) -> list[str]:
    return [text for text in texts if ASCII_IN_CHINESE.search(text)]


def test_the_checker_catches_ascii_punctuation_and_lets_numbers_and_english_be():
    assert _offences(["问题陈述:本人", "投诉(编号)", "已接通,已发短信", "好!", "是吗?"]) == [
        "问题陈述:本人",
        "投诉(编号)",
        "已接通,已发短信",
        "好!",
        "是吗?",
    ]
    assert not _offences(
        ["转账 3,200 元。", "于 20:30 提交", "见 https://example.com/a.b", "PDF (v1.2)，可以"]
    )


def test_every_chinese_string_of_the_demo_words_uses_chinese_punctuation():
    texts = [text for name in dir(words) if name.isupper() for text in _strings(getattr(words, name))]
    texts.append(
        words.ROUTED_REASON.format(name="第三方仲裁", days_min=7, days_max=14, cost="¥800 起", rate=0.79)
    )
    assert len(texts) > 100
    assert sorted(set(_offences(texts))) == []


@pytest.mark.django_db
def test_the_seeded_letters_messages_names_and_notes_use_chinese_punctuation():
    demo_seed(now=DAY, complaints=120, rng=random.Random(3))

    texts = [
        *Letter.objects.values_list("body", flat=True),
        *Letter.objects.values_list("reason", flat=True),
        *Message.objects.values_list("body", flat=True),
        *WithdrawalTicket.objects.values_list("decision_reason", flat=True),
        *[
            text
            for row in Complaint.objects.values_list("summary", "respondent", "complainant_name")
            for text in row
        ],
        *User.objects.values_list("display_name", flat=True),
        *Team.objects.values_list("name", flat=True),
        *IdentityVerificationAttempt.objects.values_list("reason", flat=True),
        *[text for data in TicketEvent.objects.values_list("data", flat=True) for text in _strings(data)],
    ]
    assert sum(bool(re.search(CJK, text)) for text in texts) > 300
    # A fraud ticket's reason is the policy's own refusal text, copied as the intake copies it: that
    # text is the policy's (an administrator edits it), not the demo's.
    policy_texts = set(ComplaintType.objects.values_list("refusal_reason", flat=True))
    assert sorted(set(_offences([text for text in texts if text not in policy_texts]))) == []
