"""The words that mark each part of a letter (problem, request, remedy), and how phrases are matched.

Cue words are language, not policy, so they live here; policy phrases come in as data.
"""

import re
from collections.abc import Iterable

from apps.tickets.letter_coach.findings import PROBLEM, REMEDY, REQUEST

# Chinese cues match anywhere; English ones are whole words, case-insensitive (see cue_pattern).
PROBLEM_CUES = (
    "问题陈述", "情况说明", "事情经过", "问题", "情况", "经过", "事由", "起因", "背景", "原因是", "由于",
    "因为", "本人于", "我于", "投诉了", "举报了", "提交了", "发起了", "发起的",
    "problem", "issue", "what happened", "background", "situation", "circumstances",
    "I filed", "I lodged", "I submitted", "I made a complaint", "I complained", "I reported",
    "I have filed", "filed a complaint", "lodged a complaint",
)
REQUEST_CUES = (
    "撤销诉求", "撤回诉求", "申请撤回", "申请撤销", "请求撤回", "请求撤销", "撤回申请", "撤销申请", "撤诉",
    "恳请", "请求", "申请", "希望撤", "要求撤", "请予以撤", "请帮忙撤", "帮我撤",
    "request", "requesting", "I ask", "I would like to withdraw", "withdraw", "retract",
    "please cancel", "cancel the complaint", "please",
)
# A remedy that says what the respondent gets; a bare heading or "willing to negotiate" does not.
REMEDY_SPECIFIC_CUES = (
    # Not 承担 or 支付 alone: 承担举证责任 is no remedy, and 支付宝 is a platform.
    "补偿", "赔偿", "退款", "退还", "致歉", "道歉", "澄清", "弥补", "承担对方", "承担相关费用", "协商一致",
    "达成一致", "和解协议", "已和解",
    "compensate", "compensated", "compensating", "compensation", "refund", "refunded", "reimburse",
    "reimbursed", "apologise", "apologize", "apologised", "apologized", "apology", "pay", "paid",
    "settlement agreement", "agreed", "cover the cost", "cover their costs", "make good",
)
REMEDY_VAGUE_CUES = (
    "补救", "和解", "协商", "remedy", "remedies", "settle", "settled", "negotiate", "resolve",
)
REMEDY_CUES = REMEDY_SPECIFIC_CUES + REMEDY_VAGUE_CUES
AMOUNT = re.compile(
    r"(?:[¥￥]|\bRMB|\bCNY)\s*\d|\d[\d,，.]*\s*(?:元|块钱|\s?yuan\b|\s?RMB\b|\s?CNY\b)", re.IGNORECASE
)
SHOUTING = re.compile(r"[!！]{2,}")


def _is_latin(text: str) -> bool:
    return text.isascii()


def _phrase_regex(text: str) -> str:
    """A phrase as a pattern: English whole words, hyphen and space interchangeable."""
    words = re.split(r"[\s\-]+", text.strip())
    body = r"[\s\-]?".join(re.escape(word) for word in words if word)
    if _is_latin(text):
        return rf"(?<![A-Za-z]){body}(?![A-Za-z])"
    return body


def cue_pattern(cues: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({cue for cue in cues if cue.strip()}, key=len, reverse=True)
    return re.compile("|".join(_phrase_regex(cue) for cue in alternatives), re.IGNORECASE)


PROBLEM_PATTERN = cue_pattern(PROBLEM_CUES)
REQUEST_PATTERN = cue_pattern(REQUEST_CUES)
REMEDY_PATTERN = cue_pattern(REMEDY_CUES)
REMEDY_SPECIFIC_PATTERN = cue_pattern(REMEDY_SPECIFIC_CUES)
PART_PATTERNS = {PROBLEM: PROBLEM_PATTERN, REQUEST: REQUEST_PATTERN, REMEDY: REMEDY_PATTERN}

