"""The withdrawal letter a demo requester writes, with placeholders for numbers known only later."""

from random import Random
from zoneinfo import ZoneInfo

from apps.core.demo.cases import Case
from apps.core.demo.words import BLAME_PHRASES, LETTER_FACT_FALLBACK, LETTER_FACTS, LETTER_REASONS, REMEDIES
from apps.tickets.models import Letter, WithdrawalTicket

NUMBER_PLACEHOLDER = "{number}"
REFERENCE_PLACEHOLDER = "{reference}"


def letter_write(
    *, rng: Random, case: Case, ticket: WithdrawalTicket, tz: ZoneInfo, complete: bool
) -> Letter:
    """Write the requester's letter, careful or not; an incomplete one has only its first part."""
    complaint = case.complaint
    key = case.special_case.code if case.special_case is not None else case.complaint_type.code
    local = complaint.filed_at.astimezone(tz)
    amount = rng.choice((200, 300, 500, 800, 1000))
    remedy = rng.choice(REMEDIES).format(platform=case.platform.name, amount=amount)
    fact = LETTER_FACTS.get(key, LETTER_FACT_FALLBACK)
    quality = rng.random()
    if quality < 0.5:
        body = (
            f"问题陈述：本人于{local:%Y年%m月%d日 %H:%M}在{case.platform.name}对「{complaint.respondent}」"
            f"提交了「{case.complaint_type.name}」类投诉（投诉编号 {NUMBER_PLACEHOLDER}），"
            f"{fact}。\n"
            "撤销诉求：经与被投诉方沟通，双方已达成一致，"
            f"现申请撤销上述投诉（工单编号 {REFERENCE_PLACEHOLDER}）。"
            "相关证据已按举证责任一并提交。\n"
            f"补救措施：{remedy}。如平台需要进一步核实，本人愿意配合复议程序。"
        )
    elif quality < 0.8:
        body = (
            f"问题陈述：我在{local:%m月%d日}投诉了「{complaint.respondent}」，当时是{rng.choice(BLAME_PHRASES)}。\n"
            "撤销诉求：希望平台尽快帮我撤销这个投诉。\n"
            f"补救措施：{remedy}。"
        )
    else:
        body = (
            f"问题陈述：前几天对「{complaint.respondent}」的投诉有误。\n"
            "撤销诉求：申请撤销。\n"
            "补救措施：愿意和对方协商解决。"
        )
    if not complete:
        body = body.split("\n")[0]
    return Letter(
        ticket=ticket,
        complaint_time=complaint.filed_at.replace(second=0, microsecond=0),
        respondent=complaint.respondent,
        reason=LETTER_REASONS.get(key, "投诉有误") if complete else "",
        body=body,
    )
