"""The letter coach's advice on a requester's message: the tone checks only, as advice, never a refusal.

A message is not a letter: it needs no complaint time, no three parts and no precise terms, so
only the checks that concern how it reads (blame-shifting phrases, shouting) apply.
"""

from apps.tickets.letter_coach import BLAME_SHIFTING, TONE_SHOUTING, LetterDraft, letter_coach
from apps.tickets.letter_coach_messages import CONSUMER, findings_render
from apps.tickets.letters import letter_coach_policy_get

MESSAGE_FINDINGS = frozenset({BLAME_SHIFTING, TONE_SHOUTING})


def message_advice(*, text: str) -> list[dict[str, str]]:
    """The coach's tone advice on a message as typed, in the active language and in the plain words
    the portal uses with consumers; [] for a calm one."""
    if not text.strip():
        return []
    policy = letter_coach_policy_get()
    report = letter_coach(
        LetterDraft(
            complaint_time=None, respondent="", reason="", body=text,
            blame_phrases=policy.blame_phrases, time_zone=policy.time_zone,
        )
    )
    findings = [finding for finding in report.findings if finding.code in MESSAGE_FINDINGS]
    rendered = findings_render(findings, audience=CONSUMER)
    return [{"code": item["code"], "message": item["message"]} for item in rendered]
