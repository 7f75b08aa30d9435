"""The withdrawal letter (intake step 4): check it with the coach, and save it with its findings."""

from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps.accounts.models import User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.policy.models import LetterPhrase, PolicySettings
from apps.tickets.events import event_row_corrected
from apps.tickets.letter_coach import CoachReport, LetterDraft, Phrase, letter_coach
from apps.tickets.letter_coach_messages import findings_render
from apps.tickets.models import OPEN_STATUSES, Letter, TicketStatus, WithdrawalTicket

# Input limits: they keep the live check cheap and a stored letter readable; not policy figures.
LETTER_BODY_MAX_CHARS = 5000
LETTER_REASON_MAX_CHARS = 1000
LETTER_RESPONDENT_MAX_CHARS = 200  # Letter.respondent's max_length
LETTER_FIELDS = ("complaint_time", "respondent", "reason", "body")
DEFAULT_TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class LetterCoachPolicy:
    """What the coach needs from policy: the phrases to look for and the zone letters are written in."""

    blame_phrases: tuple[Phrase, ...]
    precise_terms: tuple[Phrase, ...]
    time_zone: tzinfo


def letter_coach_policy_get() -> LetterCoachPolicy:
    """Load the coach's phrases and time zone from policy: two small queries; reuse within a request."""
    blame: list[Phrase] = []
    precise: list[Phrase] = []
    for row in LetterPhrase.objects.order_by("kind", "phrase"):
        phrase = Phrase(
            phrase=row.phrase, meaning_en=row.meaning_en, advice=row.advice, advice_en=row.advice_en
        )
        if row.kind == LetterPhrase.Kind.BLAME_SHIFTING:
            blame.append(phrase)
        elif row.kind == LetterPhrase.Kind.PRECISE_TERM:
            precise.append(phrase)
    zone_name = PolicySettings.objects.values_list("time_zone", flat=True).first() or DEFAULT_TIME_ZONE
    return LetterCoachPolicy(
        blame_phrases=tuple(blame), precise_terms=tuple(precise), time_zone=ZoneInfo(zone_name)
    )


@dataclass(frozen=True)
class _CleanLetter:
    complaint_time: datetime | None
    respondent: str
    reason: str
    body: str


def _too_long(field: str, limit: int) -> ApplicationError:
    return ApplicationError(
        gettext("This text is too long: at most %(limit)d characters.") % {"limit": limit},
        extra={"code": "too_long", "field": field, "limit": limit},
    )


def _clean(
    *, complaint_time: datetime | None, respondent: str, reason: str, body: str, time_zone: tzinfo
) -> _CleanLetter:
    """Trim the respondent, cut the complaint time to the minute, and refuse what no letter can hold.

    The reason and the body stay as typed: the findings' spans point into them.
    """
    respondent, reason, body = (respondent or "").strip(), reason or "", body or ""
    for field, value, limit in (
        ("respondent", respondent, LETTER_RESPONDENT_MAX_CHARS),
        ("reason", reason, LETTER_REASON_MAX_CHARS),
        ("body", body, LETTER_BODY_MAX_CHARS),
    ):
        if len(value) > limit:
            raise _too_long(field, limit)
    if complaint_time is not None:
        if timezone.is_naive(complaint_time):
            complaint_time = timezone.make_aware(complaint_time, time_zone)
        complaint_time = complaint_time.replace(second=0, microsecond=0)
        if complaint_time > clock.now():
            raise ApplicationError(
                gettext("The complaint time is in the future. Give the time the complaint was made."),
                extra={"code": "complaint_time_future", "field": "complaint_time"},
            )
    return _CleanLetter(complaint_time=complaint_time, respondent=respondent, reason=reason, body=body)


def _coach(letter: _CleanLetter, policy: LetterCoachPolicy) -> CoachReport:
    return letter_coach(
        LetterDraft(
            complaint_time=letter.complaint_time, respondent=letter.respondent, reason=letter.reason,
            body=letter.body, blame_phrases=policy.blame_phrases, precise_terms=policy.precise_terms,
            time_zone=policy.time_zone,
        )
    )


def letter_check(
    *,
    complaint_time: datetime | None,
    respondent: str,
    reason: str,
    body: str,
    policy: LetterCoachPolicy | None = None,
) -> CoachReport:
    """Check a letter as typed, writing nothing: the live "check as you type" endpoint calls this.

    Pass `policy` (from `letter_coach_policy_get`) to reuse one load for several checks.
    """
    policy = policy or letter_coach_policy_get()
    cleaned = _clean(
        complaint_time=complaint_time, respondent=respondent, reason=reason, body=body,
        time_zone=policy.time_zone,
    )
    return _coach(cleaned, policy)


@transaction.atomic
def letter_save(
    *,
    ticket: WithdrawalTicket,
    actor: User,
    complaint_time: datetime | None,
    respondent: str,
    reason: str,
    body: str,
) -> Letter:
    """Create or update the ticket's letter and store the coach's score and findings with it.

    A draft's letter saves as typed, however incomplete, and silently: intake is not yet a case.
    Once the ticket is submitted the letter is part of the case: it must keep its required facts,
    and each change raises the ticket's version and is recorded (which fields, never their text).
    Only the requester, or staff allowed to correct letters, may write it; a closed ticket's
    letter is final.
    """
    ticket = WithdrawalTicket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    if actor.pk != ticket.requester_id and not actor.has_perm("tickets.change_letter"):
        raise ApplicationError(
            gettext("Only the person who asked for this withdrawal can write its letter."),
            extra={"code": "not_allowed"},
        )
    if ticket.status not in OPEN_STATUSES:
        raise ApplicationError(
            gettext("This ticket is closed: its letter can no longer be changed."),
            extra={"code": "ticket_closed", "status": ticket.status},
        )

    policy = letter_coach_policy_get()
    cleaned = _clean(
        complaint_time=complaint_time, respondent=respondent, reason=reason, body=body,
        time_zone=policy.time_zone,
    )
    report = _coach(cleaned, policy)
    submitted = ticket.status != TicketStatus.DRAFT
    if submitted and not report.ready:
        raise ApplicationError(
            gettext("A submitted letter must keep the complaint time, the respondent and the reason."),
            extra={"code": "letter_incomplete", "findings": findings_render(report.errors)},
        )

    letter = Letter.objects.filter(ticket=ticket).first()
    created = letter is None
    if letter is None:
        letter = Letter(ticket=ticket)
    changed = [field for field in LETTER_FIELDS if getattr(letter, field) != getattr(cleaned, field)]
    for field in LETTER_FIELDS:
        setattr(letter, field, getattr(cleaned, field))
    findings = report.findings_as_dicts()
    coach_changed = letter.coach_score != report.score or letter.coach_findings != findings
    letter.coach_score, letter.coach_findings = report.score, findings
    if created:
        letter.save()
    elif changed or coach_changed:
        letter.save(update_fields=[*changed, "coach_score", "coach_findings", "updated_at"])

    if submitted and (created or changed):
        ticket.version += 1
        ticket.save(update_fields=["version", "updated_at"])
        event_row_corrected(
            ticket=ticket, model_name="letter", row_id=letter.pk,
            fields=list(LETTER_FIELDS) if created else changed, actor=actor,
        )
    return letter


# How long the newest autosave number of a ticket is remembered: far longer than a request is in flight.
AUTOSAVE_SEQUENCE_TTL_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class AutosaveResult:
    """What became of one numbered save: applied, or ignored because a newer one had arrived."""

    saved: bool
    sequence: int  # the newest number the server now holds for this ticket's letter
    letter: Letter | None


def _sequence_key(ticket_id: int) -> str:
    return f"letter-autosave-sequence:{ticket_id}"


def letter_autosave(
    *,
    ticket: WithdrawalTicket,
    actor: User,
    sequence: int,
    complaint_time: datetime | None,
    respondent: str,
    reason: str,
    body: str,
    always: bool = False,
) -> AutosaveResult:
    """Save a draft's letter as it is typed, unless a newer save of it has already arrived.

    The page numbers its saves (rising: the browser's clock in milliseconds), and requests can
    arrive out of order (a slow network, a retry), so an older one must not overwrite a newer one.
    The newest number per ticket is compared and set while the ticket row is locked. `always`: an
    explicit save (the Save button) applies whatever its number, and still records it, so older
    autosaves still in flight are ignored. Only a draft autosaves; `letter_save` keeps its rules
    (a draft's letter may be incomplete, only its requester writes it).
    """
    if sequence < 1:
        raise ApplicationError(
            gettext("This save has no valid sequence number: reload the page and try again."),
            extra={"code": "bad_sequence", "field": "sequence"},
        )
    with transaction.atomic():
        locked = WithdrawalTicket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
        if locked.status != TicketStatus.DRAFT:
            raise ApplicationError(
                gettext("This request has been sent: its letter is no longer saved as a draft."),
                extra={"code": "not_draft", "status": locked.status},
            )
        newest = cache.get(_sequence_key(ticket.pk))
        if newest is not None and sequence <= newest and not always:
            return AutosaveResult(saved=False, sequence=newest, letter=None)
        letter = letter_save(
            ticket=locked, actor=actor, complaint_time=complaint_time, respondent=respondent,
            reason=reason, body=body,
        )
        newest = max(sequence, newest or 0)
        cache.set(_sequence_key(ticket.pk), newest, AUTOSAVE_SEQUENCE_TTL_SECONDS)
    return AutosaveResult(saved=True, sequence=newest, letter=letter)
