"""The complaints of the demo and the plan of each one's ticket: platform, type, people, age."""

from dataclasses import dataclass, field
from datetime import timedelta
from random import Random
from typing import Any

from apps.accounts.models import User
from apps.complaints.models import Complaint, ComplaintStatus
from apps.core.demo.punctuality import (
    MISSED,
    ON_TIME,
    Punctuality,
    call_possible,
    punctuality_draw,
    resolved_by,
)
from apps.core.demo.users import requesters_create
from apps.core.demo.words import (
    BRANDS,
    GIVEN_NAMES,
    RESPONDENT_FALLBACK,
    RESPONDENT_SHAPES,
    SUMMARIES,
    SUMMARY_FALLBACK,
    SURNAMES,
)
from apps.core.demo.world import World
from apps.policy.models import ComplaintType, Platform, SpecialCase, Withdrawability
from apps.tickets.models import TicketSource, TicketStatus

DEMO_HORIZON_HOURS = 240  # complaints are filed over the last ten days
COMPLAINT_TYPE_WEIGHTS = {
    "infringement": 22, "fraud": 12, "account_violation": 34, "content_infringement": 32,
}
PLATFORM_WEIGHTS = {"wechat": 34, "douyin": 26, "taobao": 22, "alipay": 18}
S = TicketStatus
PLAN_WEIGHTS = {
    S.DRAFT: 8, S.SUBMITTED: 4, S.RECEIVED: 12, S.ASSIGNED: 18, S.WAITING_ON_REQUESTER: 9,
    S.APPROVED: 14, S.REFUSED: 8, S.ROUTED: 8, S.EXPIRED: 1, S.CANCELLED: 6,
}
# Plans whose ticket reaches customer service, and those of them still open, owing a decision.
HANDLED_PLANS = (S.RECEIVED, S.ASSIGNED, S.WAITING_ON_REQUESTER, S.APPROVED, S.REFUSED, S.ROUTED, S.EXPIRED,
                 S.CANCELLED)
DECISION_OWED_PLANS = (S.RECEIVED, S.ASSIGNED)
OPEN_PLANS = (S.RECEIVED, S.ASSIGNED, S.WAITING_ON_REQUESTER)
NIGHT_QUEUE = 3  # received tickets nobody picked up before closing: their calls are overdue by night
AGE_DRAWS = 20  # tries at a filing time that leaves room for a call on time
# Weight of each stage's age window when picking a filing time, in stage order.
AGE_WEIGHTS = {"open": (3, 3, 4, 3), "closed": (0.3, 1, 4, 6), "draft": (4, 3, 2, 1), "none": (1, 1, 2, 3)}


@dataclass
class Case:
    """One complaint and the plan for its ticket (None: no ticket)."""

    complaint: Complaint
    platform: Platform
    complaint_type: ComplaintType
    plan: str | None
    source: str = TicketSource.PORTAL
    requester: User | None = None
    special_case: SpecialCase | None = None
    punctuality: Punctuality = field(default_factory=Punctuality)


def _weighted(rng: Random, items: list[Any], weights: dict[str, int], *, key: str = "code") -> Any:
    return rng.choices(items, weights=[weights.get(getattr(item, key), 10) for item in items])[0]


def _plans(rng: Random, count: int) -> list[str]:
    """`count` ticket plans in PLAN_WEIGHTS' proportions, each at least once when there is room."""
    statuses: list[str] = list(PLAN_WEIGHTS)
    extra = rng.choices(statuses, weights=list(PLAN_WEIGHTS.values()), k=max(0, count - len(statuses)))
    plans = statuses[:count] + extra
    rng.shuffle(plans)
    return plans


def cases_plan(world: World, *, count: int) -> list[Case]:
    rng = world.rng
    world.requesters = requesters_create(world, count=max(20, count // 2))
    cases: list[Case] = []
    withdrawable: list[Case] = []
    for _ in range(count):
        platform = _weighted(rng, world.platforms, PLATFORM_WEIGHTS)
        ctype = _weighted(rng, world.types, COMPLAINT_TYPE_WEIGHTS)
        complaint = Complaint(
            platform=platform, complaint_type=ctype, complainant_name=world.name(),
            respondent=_respondent(rng, platform.code),
            summary=rng.choice(SUMMARIES.get(ctype.code, SUMMARY_FALLBACK)),
            filed_at=world.now,
            status=ComplaintStatus.FROZEN if ctype.frozen_at_once else ComplaintStatus.OPEN,
        )
        never = ctype.withdrawability == Withdrawability.NEVER
        wants_ticket = rng.random() < (0.85 if never else 0.9)
        case = Case(complaint, platform, ctype, plan=S.REFUSED if never and wants_ticket else None)
        cases.append(case)
        if wants_ticket and not never:
            withdrawable.append(case)
    for case, plan in zip(withdrawable, _plans(rng, len(withdrawable)), strict=True):
        case.plan = plan
        case.punctuality = punctuality_draw(rng)
    if not world.hours.is_open(world.now):
        _night_queue_trim(withdrawable)
    for case in cases:
        _case_people(world, case)
        if case.plan != S.SUBMITTED:  # a submitted ticket sets its complaint's filing time itself
            case.complaint.filed_at = world.now - timedelta(hours=_age_hours(world, case))
        if case.plan is None:
            _untouched_complaint_close(world, case)
    _demo_requester_cases(world, cases)
    return cases


def _night_queue_trim(cases: list[Case]) -> None:
    """Out of service hours, the last shift has taken all but a few of the received tickets."""
    left = 0
    for case in cases:
        if case.plan != S.RECEIVED:
            continue
        if left < NIGHT_QUEUE:
            left += 1
            case.punctuality = Punctuality(contact=MISSED, decision=case.punctuality.decision)
        else:
            case.plan = S.ASSIGNED


def _respondent(rng: Random, platform_code: str) -> str:
    shape = rng.choice(RESPONDENT_SHAPES.get(platform_code, RESPONDENT_FALLBACK))
    return shape.format(brand=rng.choice(BRANDS), surname=rng.choice(SURNAMES), given=rng.choice(GIVEN_NAMES))


def _case_people(world: World, case: Case) -> None:
    rng = world.rng
    if case.plan is None:
        return
    case.source = TicketSource.API if rng.random() < 0.22 else TicketSource.PORTAL
    withdrawable = case.complaint_type.withdrawability != Withdrawability.NEVER
    if withdrawable and world.special_cases and rng.random() < 0.08:
        case.special_case = rng.choice(world.special_cases)
    if case.source == TicketSource.PORTAL:
        case.requester = rng.choice(world.requesters)
        case.complaint.complainant = case.requester
        case.complaint.complainant_name = case.requester.display_name
    if case.special_case is not None and case.special_case.code == "enterprise_account":
        case.complaint.complainant = None
        case.complaint.complainant_name = f"{rng.choice(BRANDS)}网络科技有限公司"


def _age_hours(world: World, case: Case) -> float:
    """How long ago the complaint was filed: spread over the stages' windows, most in the last 72 h,
    at a time that lets its ticket keep (or miss) its deadlines as planned."""
    rng, plan, punctuality = world.rng, case.plan, case.punctuality
    low, high = _age_window(world, case)
    handling = case.platform.longest_handling_hours
    if plan in DECISION_OWED_PLANS:
        # Open and owing a decision: within the platform's handling time, or past it if planned so.
        if punctuality.decision == MISSED:
            low, high = handling + 2.0, float(max(DEMO_HORIZON_HOURS, handling + 48))
        else:
            low, high = _overlap((low, high), (0.05, handling - 1.0))
    if plan == S.RECEIVED and punctuality.contact != MISSED and world.hours.is_open(world.now):
        # Not yet assigned: received within the first-contact hours, its call not yet due.
        low, high = 1.5, world.settings.first_contact_hours - 0.1
    wants_call = plan in HANDLED_PLANS and plan != S.RECEIVED and punctuality.contact == ON_TIME
    # Still open: its complaint's handling time has not run out (the clock would have expired it).
    stays_open = plan in OPEN_PLANS and punctuality.decision != MISSED
    for draw in range(AGE_DRAWS):
        if draw == AGE_DRAWS // 2:  # no luck in this window (filed at night?): look a day further back
            high = max(high, low + 24.0) if wants_call else high
            low, high = _overlap((low, high), (0.05, 24.0)) if stays_open else (low, high)
        age = rng.uniform(low, high)
        filed_at = world.now - timedelta(hours=age)
        if (not wants_call or call_possible(world.hours, filed_at)) and (
            not stays_open
            or resolved_by(world, platform=case.platform.code, complaint_type=case.complaint_type.code,
                           filed_at=filed_at) > world.now
        ):
            break
    return age


def _overlap(window: tuple[float, float], limits: tuple[float, float]) -> tuple[float, float]:
    """The part of `window` inside `limits`; `limits` when they do not meet."""
    low, high = max(window[0], limits[0]), min(window[1], limits[1])
    return (low, high) if low < high else limits


def _age_window(world: World, case: Case) -> tuple[float, float]:
    """The hours-ago window to file in: a stage's window, picked by the plan's weights."""
    rng = world.rng
    if case.plan == S.EXPIRED:
        low = case.platform.longest_handling_hours + 24
        return low, max(low + 48, DEMO_HORIZON_HOURS)
    groups: dict[str | None, str] = {
        None: "none", S.DRAFT: "draft", S.RECEIVED: "open", S.ASSIGNED: "open",
        S.WAITING_ON_REQUESTER: "open",
    }
    group = groups.get(case.plan, "closed")
    weights = [AGE_WEIGHTS[group][i] if i < len(AGE_WEIGHTS[group]) else 1 for i in range(len(world.stages))]
    stage = rng.choices(world.stages, weights=weights)[0]
    end = stage.ends_at_hour
    if end is None:
        end = max(DEMO_HORIZON_HOURS, stage.starts_at_hour + 48)
    return stage.starts_at_hour + 0.05, float(end)


def _untouched_complaint_close(world: World, case: Case) -> None:
    """Some complaints without a ticket were cancelled in the cooling-off period or closed since."""
    rng, complaint = world.rng, case.complaint
    if complaint.status != ComplaintStatus.OPEN:
        return
    if case.complaint_type.low_risk and rng.random() < 0.4:
        complaint.status = ComplaintStatus.CANCELLED
        minutes = rng.uniform(0.5, max(1, world.settings.cooling_off_minutes) - 0.1)
        complaint.cancelled_at = min(complaint.filed_at + timedelta(minutes=minutes), world.now)
    elif (
        world.stages[-1].irreversible
        and world.stage_at(complaint.filed_at, world.now) == world.stages[-1]
        and rng.random() < 0.5
    ):
        complaint.status = ComplaintStatus.CLOSED


def _demo_requester_cases(world: World, cases: list[Case]) -> None:
    """Give the `requester` demo user one portal ticket of each kind, so the portal has something to show."""
    demo = world.users["requester"]
    wanted = [S.DRAFT, S.RECEIVED, S.ASSIGNED, S.WAITING_ON_REQUESTER, S.APPROVED, S.REFUSED, S.ROUTED,
              S.CANCELLED]
    for plan in wanted:
        for case in cases:
            if (case.plan == plan and case.source == TicketSource.PORTAL and case.special_case is None
                    and case.requester is not demo):
                case.requester = demo
                case.complaint.complainant = demo
                case.complaint.complainant_name = demo.display_name
                break
