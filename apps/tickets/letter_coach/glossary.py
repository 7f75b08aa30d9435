"""One word for one thing: the words the coach uses when it speaks to a requester, in both languages.

Every consumer message takes its domain words from GLOSSARY (as %(key)s placeholders), so the
complaint is always "投诉", the number always "投诉单号", and so on; AVOID lists the synonyms
that must not appear instead (a test reads every message against it). Staff wording keeps the
precise terms and is not bound by this list.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from apps.core.text import chinese_punctuation

GLOSSARY_CONTEXT = "letter coach glossary"


@dataclass(frozen=True)
class Term:
    """A thing the coach talks about, the one word for it, and the words it never uses instead."""

    word: Promise
    avoid_zh: tuple[str, ...] = ()
    avoid_en: tuple[str, ...] = ()


GLOSSARY: Mapping[str, Term] = {
    "complaint": Term(pgettext_lazy(GLOSSARY_CONTEXT, "complaint"), ("举报", "申诉"), ("grievance",)),
    "complaint_number": Term(
        pgettext_lazy(GLOSSARY_CONTEXT, "complaint number"), ("投诉编号", "投诉号", "投诉单编号"),
        ("complaint ID", "complaint reference"),
    ),
    "complaint_time": Term(
        pgettext_lazy(GLOSSARY_CONTEXT, "complaint time"), ("投诉发生的时间", "投诉时点"),
        ("moment of the complaint",),
    ),
    "withdrawal_request": Term(
        pgettext_lazy(GLOSSARY_CONTEXT, "withdrawal request"),
        ("撤诉", "撤销申请", "撤销诉求", "撤回诉求", "撤销投诉"),
        ("retraction", "withdrawal application"),
    ),
    "letter": Term(
        pgettext_lazy(GLOSSARY_CONTEXT, "letter"), ("申请书", "撤回信", "信函"), ("application form",)
    ),
    "ticket_number": Term(
        pgettext_lazy(GLOSSARY_CONTEXT, "ticket number"), ("工单号", "申请编号", "单据号"), ("ticket ID",)
    ),
    "respondent": Term(
        pgettext_lazy(GLOSSARY_CONTEXT, "the other party"), ("被投诉对象", "被投诉人", "被申请人", "相对方"),
        ("respondent", "complainee", "counterparty"),
    ),
    "compensation": Term(
        pgettext_lazy(GLOSSARY_CONTEXT, "compensation"), ("补救措施", "补救", "救济"), ("remedy", "remedies"),
    ),
}

# Words no consumer message uses in any sense: "你" (always 您), and jargon without its explanation.
AVOID_ALWAYS_ZH = ("你",)
AVOID_ALWAYS_EN = ("precise term",)


def glossary_words() -> dict[str, str]:
    """The glossary in the active language, ready to fill a message's %(key)s placeholders."""
    return {key: str(term.word) for key, term in GLOSSARY.items()}


def words_to_avoid(language: str) -> tuple[str, ...]:
    """The synonyms no consumer message in this language may use."""
    if language.startswith("zh"):
        return AVOID_ALWAYS_ZH + tuple(word for term in GLOSSARY.values() for word in term.avoid_zh)
    return AVOID_ALWAYS_EN + tuple(word for term in GLOSSARY.values() for word in term.avoid_en)


def chinese_polished(text: str) -> str:
    """Policy text written for staff, made fit for a requester: 您 for 你, Chinese punctuation in Chinese.

    Administrators edit policy phrases' advice freely; a requester should still read one voice.
    """
    return chinese_punctuation(text.replace("你们", "您和对方").replace("你", "您"))
