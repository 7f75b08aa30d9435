"""Chinese text: ASCII punctuation beside a Chinese character becomes its Chinese form.

Used where Chinese text is written by people for people (policy data, reply templates, the coach's
advice): "如和解协议,律师函(PDF)" reads "如和解协议，律师函（PDF）". Punctuation between Latin
letters and digits ("14:30", "3,000") is left alone.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

# A Chinese character, a full-width form, CJK punctuation or a curly quote.
_CJK = r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f“”‘’]"
_CHINESE_PUNCTUATION = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_ASCII_NEAR_CJK = re.compile(rf"(?<={_CJK})\s*([,;:?!()])\s*|\s*([,;:?!()])\s*(?={_CJK})")


def chinese_punctuation(text: str) -> str:
    """`text` with every ASCII comma, colon, semicolon, mark or bracket beside Chinese in its Chinese form."""

    def swap(match: re.Match[str]) -> str:
        return _CHINESE_PUNCTUATION[match.group(1) or match.group(2)]

    return _ASCII_NEAR_CJK.sub(swap, text)


def has_ascii_punctuation_by_chinese(text: str) -> bool:
    """Whether `text` still has ASCII punctuation beside a Chinese character."""
    return bool(_ASCII_NEAR_CJK.search(text))


def chinese_punctuation_fix(rows: Iterable[Any], fields: Sequence[str]) -> int:
    """Give each row's `fields` Chinese punctuation where they lack it, saving only what changed.

    For data migrations over Chinese text an administrator may have edited; returns the rows saved.
    """
    saved = 0
    for row in rows:
        changed = [
            name for name in fields
            if isinstance(getattr(row, name), str) and has_ascii_punctuation_by_chinese(getattr(row, name))
        ]
        for name in changed:
            setattr(row, name, chinese_punctuation(getattr(row, name)))
        if changed:
            row.save(update_fields=changed)
            saved += 1
    return saved
