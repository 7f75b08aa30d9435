"""Play each demo ticket forward from its complaint's filing along its plan, stopping at `now`."""

from datetime import datetime, timedelta
from typing import Any

from apps.accounts.models import AgentProfile, User
from apps.complaints.models import ComplaintStatus
from apps.conversation.models import AuthorRole, Message
from apps.core.demo.cases import Case
from apps.core.demo.letters import letter_write
from apps.core.demo.punctuality import LATE, MISSED, ON_TIME, deadlines_settle, in_service_between
from apps.core.demo.story import EVENT_RANK, Event, Story, minutes
from apps.core.demo.users import assignment_weight
from apps.core.demo.words import (
    ANSWER_WITH_EVIDENCE,
    APPROVAL_FALLBACK,
    APPROVAL_REASONS,
    ASK_FOR_EVIDENCE,
    CALL_OUTCOMES,
    CANCEL_NOTE,
    EVIDENCE_ANSWERED_NOTE,
    EVIDENCE_REQUEST_NOTE,
    EXPIRY_REASON,
    REFUSAL_FALLBACK,
    REFUSAL_REASONS,
    REJECTION_FALLBACK,
    REJECTION_REASONS,
    ROUTED_REASON,
)
from apps.core.demo.world import World
from apps.identity.models import IdentityVerificationAttempt
from apps.policy.models import IdentityMethod, Withdrawability
from apps.tickets.models import EventKind, Letter, StageEntry, TicketSource, TicketStatus, WithdrawalTicket

S = TicketStatus
DECIDED = (S.APPROVED, S.REFUSED, S.ROUTED)
RECENT_SUBMISSION_MINUTES = 150
OTHER_METHOD_REJECTION_RATE = 0.06  # demo only: face recognition uses the policy's own figure
Outcome = IdentityVerificationAttempt.Outcome
DOCUMENTATION_NETWORKS = ("192.0.2", "198.51.100", "203.0.113")  # RFC 5737: nobody's real address
class Simulator:
    """Play one ticket forward from its complaint's filing along its plan, stopping at `now`."""

    def __init__(self, world: World, case: Case) -> None:
        self.world, self.case, self.rng, self.now = world, case, world.rng, world.now
        self.requester = case.requester
        self.ticket = WithdrawalTicket(
            source=case.source, requester=case.requester, platform=case.platform,
            special_case=case.special_case, status=S.DRAFT,
        )
        self.story = Story(self.ticket)

    def run(self) -> Story:
        rng, case, ticket = self.rng, self.case, self.ticket
        plan = case.plan
        identity = self._identity_plan()
        # step 2, each identity attempt, the letter, submission
        intake = [minutes(rng, 1, 6), *[gap for _m, _o, gap in identity], minutes(rng, 8, 45),
                  minutes(rng, 1, 10)]
        # A ticket whose call comes on time was started soon after the filing (cases.py chose a
        # filing time in service hours for it); one still waiting for its receipt was started at once.
        quick = plan == S.SUBMITTED or (case.punctuality.contact == ON_TIME and plan != S.DRAFT)
        delay = minutes(rng, 5, 30) if quick else self._start_delay()
        if plan == S.SUBMITTED:
            submitted = self._recent_submission()
            start = submitted - sum(intake, timedelta())
            case.complaint.filed_at = start - delay
        else:
            filed_at = case.complaint.filed_at
            start = filed_at + min(delay, (self.now - filed_at) * rng.uniform(0.05, 0.5))
        # A draft stops after its last completed step. (It is never cancelled: the model requires
        # submitted_at on every ticket but a draft, cancelled ones included.)
        steps = rng.choice((1, 2, 3, 3, 4)) if plan == S.DRAFT else 5

        ticket.created_at = ticket.entry_completed_at = start
        self._event(EventKind.CREATED, start, self._intake_actor(), to_value=ticket.source)
        self._event(EventKind.INTAKE_STEP, start, self._intake_actor(), to_value="1",
                    data={"step": "entry", "platform": case.platform.code})
        t = self._intake(start, steps, intake, identity)
        if t is None or ticket.status != S.DRAFT or steps < 5:
            return self._finish()
        t = self._submit(t + intake[-1])
        if t is not None:
            self._after_receipt(t)
        return self._finish()

    # -- intake
    def _intake_actor(self) -> User | None:
        return self.requester if self.case.source == TicketSource.PORTAL else None

    def _start_delay(self) -> timedelta:
        draw = self.rng.random()
        if draw < 0.4:
            return minutes(self.rng, 5, 60)
        if draw < 0.75:
            return minutes(self.rng, 60, 12 * 60)
        return minutes(self.rng, 12 * 60, 36 * 60)

    def _recent_submission(self) -> datetime:
        """A submission still waiting for service hours (or, in service hours, for the receipt job)."""
        hours, now = self.world.hours, self.now
        if hours.is_open(now):  # after today's opening, or it would have been received at it
            return max(now - minutes(self.rng, 0.5, 3), hours.opening_on(now))
        since_closing = (now - hours.last_closing(now)).total_seconds() / 60
        # Recent enough that its first contact is not yet overdue (the call waits for the opening).
        return now - minutes(
            self.rng, min(1, since_closing / 2), min(since_closing, RECENT_SUBMISSION_MINUTES)
        )

    def _identity_plan(self) -> list[tuple[str, str, timedelta]]:
        """The attempts step 3 takes: each method of the platform, in order, some rejected first."""
        attempts: list[tuple[str, str, timedelta]] = []
        face_rate = float(self.world.settings.face_rejection_rate)
        for method in self.case.platform.identity_methods:
            rate = face_rate if method == IdentityMethod.FACE_RECOGNITION else OTHER_METHOD_REJECTION_RATE
            rejections = 0
            while rejections < 2 and self.rng.random() < rate:
                rejections += 1
            outcomes = [Outcome.REJECTED] * rejections + [Outcome.PASSED]
            attempts += [(method, outcome, minutes(self.rng, 0.5, 4)) for outcome in outcomes]
        return attempts

    def _intake(
        self, start: datetime, steps: int, gaps: list[timedelta], identity: list[tuple[str, str, timedelta]]
    ) -> datetime | None:
        """Steps 2-4 as far as planned and as far as `now`; return when the last one was done."""
        ticket, case, actor = self.ticket, self.case, self._intake_actor()
        t = start
        if steps < 2:
            return t
        t += gaps[0]
        if t > self.now:
            return None
        ticket.complaint, ticket.complaint_type = case.complaint, case.complaint_type
        ticket.complaint_number_completed_at = t
        self._event(EventKind.INTAKE_STEP, t, actor, to_value="2",
                    data={"step": "complaint_number", "number_on_file": True})
        if case.complaint_type.withdrawability == Withdrawability.NEVER:
            self._refuse_at_intake(t)
            return t
        if steps < 3:
            if self.rng.random() < 0.5:  # stuck at step 3: the first check was rejected
                method = identity[0][0]
                self._attempt(method, IdentityVerificationAttempt.Outcome.REJECTED, t + identity[0][2])
            return t
        for method, outcome, gap in identity:
            t += gap
            if t > self.now:
                return None
            self._attempt(method, outcome, t)
        ticket.identity_verified_at = t
        self._event(EventKind.INTAKE_STEP, t, actor, to_value="3",
                    data={"step": "identity", "methods": list(case.platform.identity_methods)})
        done = t + gaps[-2]
        if steps < 4 or done > self.now:
            if self.rng.random() < 0.5:
                self.story.letter = self._letter(complete=False)
            return None if done > self.now else t
        t = done
        ticket.letter_completed_at = t
        self.story.letter = self._letter(complete=True)
        data: dict[str, Any] = {"step": "letter"}
        if ticket.special_case is not None:
            data["special_case"] = ticket.special_case.code
        self._event(EventKind.INTAKE_STEP, t, actor, to_value="4", data=data)
        return t

    def _attempt(self, method: str, outcome: str, at: datetime) -> None:
        if at > self.now:
            return
        rng = self.rng
        reason = ""
        if outcome == IdentityVerificationAttempt.Outcome.REJECTED:
            reason = rng.choice(REJECTION_REASONS.get(method, REJECTION_FALLBACK))
        self.story.attempts.append(
            IdentityVerificationAttempt(
                ticket=self.ticket, user=self.requester, method=method, provider="dev",
                provider_reference=f"dev-{rng.getrandbits(48):012x}", outcome=outcome, reason=reason,
                ip_address=f"{rng.choice(DOCUMENTATION_NETWORKS)}.{rng.randint(1, 254)}", attempted_at=at,
            )
        )
        self._event(EventKind.IDENTITY_ATTEMPT, at, self._intake_actor(), to_value=outcome,
                    data={"method": method, "provider": "dev", "reason": reason})

    def _refuse_at_intake(self, at: datetime) -> None:
        """A never-withdrawable type (fraud) is refused as soon as its number is confirmed, and kept."""
        ticket = self.ticket
        ticket.submitted_at = ticket.decided_at = at
        self._status(EventKind.SUBMITTED, at, self._intake_actor(), S.SUBMITTED)
        ticket.decision_reason = self.case.complaint_type.refusal_reason
        self._status(EventKind.DECIDED, at, None, S.REFUSED, data={"reason": ticket.decision_reason})

    def _letter(self, *, complete: bool) -> Letter:
        return letter_write(
            rng=self.rng, case=self.case, ticket=self.ticket, tz=self.world.hours.tz, complete=complete
        )

    # -- after intake
    def _submit(self, at: datetime) -> datetime | None:
        """Step 5, then receipt at the next service hour; return the receipt time if it has come."""
        ticket = self.ticket
        if at > self.now:
            return None
        ticket.submitted_at = at
        self._status(EventKind.SUBMITTED, at, self._intake_actor(), S.SUBMITTED)
        received = self.world.hours.receipt(at)
        if received > self.now or self.case.plan == S.SUBMITTED:
            return None
        ticket.received_at = received
        self._status(EventKind.RECEIVED, received, None, S.RECEIVED, data={"deferred": received != at})
        return received

    def _after_receipt(self, received: datetime) -> None:
        rng, plan, ticket = self.rng, self.case.plan, self.ticket
        expires = received + timedelta(hours=self.case.platform.longest_handling_hours)
        limit = min(self.now, expires) if plan == S.EXPIRED else self.now
        if plan == S.RECEIVED:
            return
        t = self._first_contact(received, limit)
        if ticket.assignee is not None:
            wants_wait = plan == S.WAITING_ON_REQUESTER or (
                plan in (*DECIDED, S.EXPIRED) and (ticket.special_case is not None or rng.random() < 0.25)
            )
            if wants_wait:
                t = self._wait(t, limit)
        if plan in DECIDED and ticket.status == S.ASSIGNED:
            decided = self._decision_time(received, t)
            if decided is not None and decided <= self.now:
                self._decide(decided)
        elif plan == S.EXPIRED and expires <= self.now:
            self._status(EventKind.STATUS_CHANGED, expires, None, S.EXPIRED, data={"reason": EXPIRY_REASON})
            ticket.waiting_since = None
            ticket.decision_reason = EXPIRY_REASON
        elif plan == S.CANCELLED:
            self._cancel(t + minutes(rng, 30, 20 * 60))

    def _first_contact(self, received: datetime, limit: datetime) -> datetime:
        """Assign the ticket and call the requester, on time, late or not at all as planned."""
        rng, plan, ticket, hours = self.rng, self.case.plan, self.ticket, self.world.hours
        due = self.case.complaint.filed_at + timedelta(hours=self.world.clock.first_contact_hours)
        punctuality = self.case.punctuality.contact
        if punctuality == ON_TIME:
            assigned = in_service_between(rng, hours, received, min(due, limit))
            if assigned is not None:
                self._assign(assigned)
                called = in_service_between(rng, hours, assigned, min(due, limit))
                return assigned if called is None else self._contact(called)
            punctuality = LATE  # no room before the deadline (filed at night): the call comes late
        if plan not in (S.EXPIRED, S.CANCELLED) or rng.random() < 0.6:
            assigned = hours.receipt(received + self._assignment_wait()) + minutes(rng, 0, 45)
            if assigned <= limit:
                self._assign(assigned)
        if ticket.assigned_at is None:
            return received
        if punctuality == MISSED:
            return ticket.assigned_at
        called = self._work(max(ticket.assigned_at + minutes(rng, 5, 180), due + minutes(rng, 20, 8 * 60)))
        return self._contact(called) if called <= limit else ticket.assigned_at

    def _contact(self, at: datetime) -> datetime:
        ticket = self.ticket
        ticket.first_contact_at = at
        self._event(EventKind.CONTACT_LOGGED, at, ticket.assignee, to_value="phone",
                    data={"channel": "phone", "outcome": self.rng.choice(CALL_OUTCOMES)})
        return at

    def _decision_time(self, received: datetime, since: datetime) -> datetime | None:
        """When the agent decides: within the handling time as planned, else some hours after it."""
        rng, ticket, hours = self.rng, self.ticket, self.world.hours
        handling = timedelta(hours=self.case.platform.longest_handling_hours, seconds=ticket.paused_seconds)
        due = received + handling
        if self.case.punctuality.decision == ON_TIME:
            decided = in_service_between(rng, hours, since + timedelta(minutes=30), min(due, self.now))
            if decided is not None or due > self.now:
                return decided  # None: still within its handling time, not decided yet
        return self._work(max(since + minutes(rng, 60, 240), due + minutes(rng, 60, 20 * 60)))

    def _work(self, at: datetime) -> datetime:
        """Agents act in service hours: an action due at night happens soon after the next opening."""
        hours = self.world.hours
        return at if hours.is_open(at) else hours.receipt(at) + minutes(self.rng, 3, 50)

    def _assignment_wait(self) -> timedelta:
        draw, peak = self.rng.random(), self.world.settings.peak_assignment_wait_hours
        if draw < 0.5:
            return minutes(self.rng, 10, 240)
        if draw < 0.85:
            return minutes(self.rng, 240, 24 * 60)
        return minutes(self.rng, 24 * 60, (peak + 8) * 60)  # peak times: past the promised wait

    def _assign(self, at: datetime) -> datetime:
        rng, ticket = self.rng, self.ticket
        fits = self._eligible()
        profile = rng.choices(fits, weights=[assignment_weight(p) for p in fits])[0]
        ticket.assignee, ticket.team, ticket.assigned_at = profile.user, profile.team, at
        by_supervisor = rng.random() < 0.5
        actor = self.world.users["supervisor"] if by_supervisor else profile.user
        self._event(EventKind.ASSIGNED, at, actor, "", profile.user.username,
                    data={"team": profile.team.name if profile.team else "", "claimed": not by_supervisor})
        ticket.status = S.ASSIGNED
        return at

    def _eligible(self) -> list[AgentProfile]:
        """The agents whose profile covers the ticket's platform and complaint type."""
        platform, ctype = self.case.platform, self.case.complaint_type
        covered = self.world.coverage
        return [
            p for p in self.world.profiles if platform.pk in covered[p.pk][0] and ctype.pk in covered[p.pk][1]
        ] or self.world.profiles

    def _wait(self, t: datetime, limit: datetime) -> datetime:
        rng, ticket = self.rng, self.ticket
        asked = self._work(t + minutes(rng, 20, 600))
        if asked > limit:
            return t
        documents = (
            [d.code for d in ticket.special_case.documents.all()] if ticket.special_case is not None
            else ["supplementary_proof"]
        )
        self._event(EventKind.EVIDENCE_REQUESTED, asked, ticket.assignee, to_value=",".join(documents),
                    data={"documents": documents, "message": EVIDENCE_REQUEST_NOTE})
        self._status(EventKind.STATUS_CHANGED, asked, ticket.assignee, S.WAITING_ON_REQUESTER)
        ticket.waiting_since = asked
        request = self._message(asked, ticket.assignee, AuthorRole.AGENT, ASK_FOR_EVIDENCE)
        if self.case.plan == S.WAITING_ON_REQUESTER or (self.case.plan == S.EXPIRED and rng.random() < 0.3):
            return asked
        answered = asked + minutes(rng, 120, 30 * 60)
        if answered > limit:
            return asked
        request.requester_read_at = asked + minutes(rng, 5, 110)
        answer = self._message(answered, self.requester, AuthorRole.REQUESTER, ANSWER_WITH_EVIDENCE)
        answer.answers_request = True
        # Read by the agent once they next work; an answer from the last hour may still be unread.
        read = self._work(answered + minutes(rng, 10, 90))
        answer.staff_read_at = read if read <= self.now else None
        ticket.paused_seconds += int((answered - asked).total_seconds())
        ticket.waiting_since = None
        self._status(EventKind.STATUS_CHANGED, answered, self._intake_actor(), S.ASSIGNED,
                     data={"note": EVIDENCE_ANSWERED_NOTE})
        return answered

    def _message(self, at: datetime, author: User | None, role: str, body: str) -> Message:
        message = Message(ticket=self.ticket, author=author, author_role=role, body=body, created_at=at)
        if author is None:  # a ticket filed through the API: its platform speaks for the requester
            message.author_role, message.author_label = AuthorRole.INTEGRATION, "api:demo"
        self.story.messages.append(message)
        return message

    def _decide(self, at: datetime) -> None:
        rng, ticket, case = self.rng, self.ticket, self.case
        plan = case.plan
        ticket.decided_at = at
        ticket.decided_by = ticket.assignee if rng.random() < 0.85 else self.world.users["supervisor"]
        code = case.complaint_type.code
        data: dict[str, Any] = {}
        if plan == S.APPROVED:
            ticket.decision_reason = APPROVAL_REASONS.get(code, APPROVAL_FALLBACK)
            case.complaint.status = ComplaintStatus.WITHDRAWN
        elif plan == S.ROUTED and self.world.routes:
            route = ticket.route = rng.choice(self.world.routes)
            ticket.decision_reason = ROUTED_REASON.format(
                name=route.name, days_min=route.days_min, days_max=route.days_max, cost=route.cost,
                rate=float(route.success_rate),
            )
            data["route"] = route.code
        else:
            plan = S.REFUSED
            ticket.decision_reason = rng.choice(REFUSAL_REASONS.get(code, REFUSAL_FALLBACK))
        data["reason"] = ticket.decision_reason
        self._status(EventKind.DECIDED, at, ticket.decided_by, plan, data=data)

    def _cancel(self, at: datetime) -> None:
        if at > self.now:
            return
        self._status(EventKind.STATUS_CHANGED, at, self._intake_actor(), S.CANCELLED,
                     data={"note": CANCEL_NOTE})
        self.ticket.waiting_since = None

    # -- the record
    def _event(
        self, kind: str, at: datetime, actor: User | None, from_value: str = "", to_value: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        self.story.events.append(Event(kind, at, actor, str(from_value), str(to_value), data or {}))

    def _status(
        self, kind: str, at: datetime, actor: User | None, new: str, data: dict[str, Any] | None = None
    ) -> None:
        self._event(kind, at, actor, self.ticket.status, new, data)
        self.ticket.status = new

    def _finish(self) -> Story:
        """Set the stage the complaint had reached when the ticket stopped moving, with its history."""
        ticket, story, world = self.ticket, self.story, self.world
        filed_at = self.case.complaint.filed_at
        if ticket.submitted_at is not None and ticket.complaint is not None:
            ended = max(e.at for e in story.events) if not ticket.is_open else self.now
            ended = ticket.decided_at or ended
            stage = world.stage_at(filed_at, ended)
            previous = world.stage_at(filed_at, ticket.submitted_at)
            self._event(EventKind.STAGE_CHANGED, ticket.submitted_at, None, "", previous.code)
            for candidate in world.stages:
                entered = filed_at + timedelta(hours=candidate.starts_at_hour)
                if entered > ended:
                    break
                story.stage_entries.append(StageEntry(ticket=ticket, stage=candidate, entered_at=entered))
                if ticket.submitted_at < entered and candidate != previous:
                    self._event(EventKind.STAGE_CHANGED, entered, None, previous.code, candidate.code)
                    previous = candidate
            ticket.stage = stage
            ticket.stage_entered_at = filed_at + timedelta(hours=stage.starts_at_hour)
            for deadline, at in deadlines_settle(world, ticket, ended):
                self._event(EventKind.DEADLINE_BREACHED, at, None, "", deadline, {"deadline": deadline})
        story.events.sort(key=lambda e: (e.at, EVENT_RANK.get(e.kind, 3)))
        ticket.version = len(story.events)
        return story
