"""Whether a requester's reply adds anything: pure text rules, no Django."""

import re
import unicodedata

# Replies that say something was done without saying what: they cannot answer an evidence request.
ACKNOWLEDGEMENTS = frozenset({
    "done", "ok", "okay", "k", "yes", "finished", "complete", "completed", "sent", "uploaded", "added",
    "submitted", "fixed", "thanks", "thankyou", "thx", "here", "see", "seeattached", "attached",
    "alldone", "itsdone", "doneit", "idid", "ihavedoneit", "ihaveaddedit", "ihaveaddedwhatwasasked",
    "好", "好了", "好的", "完成", "已完成", "完成了", "搞定", "搞定了", "已上传", "上传了", "已补充",
    "补充了", "已提交", "提交了", "已发送", "发了", "已发", "收到", "谢谢", "嗯", "是", "是的", "行",
    "可以", "已处理", "处理好了", "弄好了", "见附件", "已添加", "添加了",
})
# Shorter than this, a reply without a file cannot carry the information an agent asked for.
MIN_SUBSTANTIVE_CHARACTERS = 8


def _letters(text: str) -> str:
    """The text's letters and digits only, lower-cased: what is left once punctuation and emoji go."""
    kept = (ch for ch in unicodedata.normalize("NFKC", text).lower() if unicodedata.category(ch)[0] in "LN")
    return "".join(kept)


def reply_adds_something(text: str) -> bool:
    """Whether a reply's words could carry what was asked (not a bare "done" or "好了")."""
    letters = _letters(text)
    if not letters or letters in ACKNOWLEDGEMENTS:
        return False
    # "done!!! thanks" or "好了谢谢": acknowledgements glued together add nothing either.
    words = [w for w in re.split(r"[\s,.;:!?，。；：！？、]+", text.lower()) if _letters(w)]
    if words and all(_letters(w) in ACKNOWLEDGEMENTS for w in words):
        return False
    return len(letters) >= MIN_SUBSTANTIVE_CHARACTERS


FILE_WORDS = re.compile(
    r"上传|附件|截图|照片|图片|文件|扫描件|attach|upload|screenshot|photo|picture|scan|file|document",
    re.IGNORECASE,
)


def reply_mentions_file(text: str) -> bool:
    """Whether a reply speaks of a file ("see the screenshot", "已上传截图"): then it must carry one."""
    return bool(FILE_WORDS.search(text))
