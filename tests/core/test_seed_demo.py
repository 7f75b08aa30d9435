"""`seed_demo`: demo users who can sign in, and a few hundred complaints and tickets to click through."""

import random
import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from apps.accounts.models import AgentProfile, User
from apps.complaints.models import Complaint, ComplaintStatus
from apps.core.demo import DemoResult, demo_seed
from apps.evidence.models import EvidenceFile
from apps.identity.models import IdentityVerificationAttempt
from apps.policy.models import ComplaintType, Platform, PolicySettings, Stage, Withdrawability
from apps.tickets.models import Letter, StageEntry, TicketEvent, TicketStatus, WithdrawalTicket

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai, in service hours
NIGHT = datetime(2026, 3, 10, 18, 30, tzinfo=UTC)  # 02:30 in Shanghai
LAST_OPEN_MINUTE = datetime(2026, 3, 10, 12, 59, tzinfo=UTC)  # 20:59 in Shanghai
CLOSING = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)  # 21:00 in Shanghai: closed
CREDENTIAL_LINE = re.compile(r"^\s+(requester|agent|supervisor)\s+(\S+)\s+(\S+)\s+(\S+)$", re.MULTILINE)


@pytest.fixture
def seeded(db) -> DemoResult:
    return demo_seed(now=DAY, rng=random.Random(1))


def _run_command(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(PolicySettings.objects.get().time_zone))


# ---------------------------------------------------------------------------- the users
def test_the_role_users_can_sign_in_with_the_printed_passwords(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    output = _run_command("--complaints", "40", "--seed", "5")

    lines = CREDENTIAL_LINE.findall(output)
    printed = {username: (role, password) for role, username, password, _name in lines}
    for role in ("requester", "agent", "supervisor"):
        printed_role, password = printed[role]
        user = User.objects.get(username=role)
        assert printed_role == role
        assert user.groups.filter(name=role).exists()
        assert client.login(username=role, password=password)
        client.logout()
    assert not User.objects.get(username="requester").is_staff
    assert User.objects.get(username="agent").is_staff
    assert User.objects.get(username="supervisor").is_staff
    kept = (settings.VAR_DIR / "demo-credentials.txt").read_text(encoding="utf-8")
    assert all(password in kept for _role, password in printed.values())
    assert (settings.VAR_DIR / "demo-credentials.txt").stat().st_mode & 0o077 == 0


def test_the_requester_has_a_mobile_number_and_a_chinese_name(seeded):
    requester = User.objects.get(username="requester")
    assert re.fullmatch(r"1[3-9]\d{9}", requester.phone or "")
    assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", requester.display_name)
    assert requester.withdrawal_tickets.exists()


def test_more_agents_in_teams_cover_every_platform_and_complaint_type(seeded):
    profiles = AgentProfile.objects.select_related("user", "team")
    assert profiles.count() >= 6
    assert len({profile.team_id for profile in profiles}) >= 2
    assert all(profile.user.is_staff and profile.user.has_usable_password() for profile in profiles)
    assert all(profile.user.groups.filter(name="agent").exists() for profile in profiles)
    assert set(Platform.objects.filter(agents__isnull=False).values_list("code", flat=True)) == set(
        Platform.objects.values_list("code", flat=True)
    )
    assert set(ComplaintType.objects.filter(agents__isnull=False).values_list("code", flat=True)) == set(
        ComplaintType.objects.values_list("code", flat=True)
    )


# ---------------------------------------------------------------------------- once only
def test_a_second_run_creates_nothing_and_says_so(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    _run_command("--complaints", "30", "--seed", "2")
    counts = (User.objects.count(), Complaint.objects.count(), WithdrawalTicket.objects.count(),
              TicketEvent.objects.count())

    output = _run_command("--complaints", "30", "--seed", "3")

    assert "already there" in output
    assert "nothing was created" in output
    assert (User.objects.count(), Complaint.objects.count(), WithdrawalTicket.objects.count(),
            TicketEvent.objects.count()) == counts


def test_the_same_seed_and_moment_give_the_same_data(db):
    def snapshot() -> list[tuple[object, ...]]:
        with transaction.atomic():
            demo_seed(now=DAY, complaints=60, rng=random.Random(9))
            rows = list(
                WithdrawalTicket.objects.order_by("reference").values_list(
                    "reference", "status", "stage__code", "submitted_at", "complaint__number",
                    "complaint__complainant_name", "complaint__respondent", "assignee__username",
                )
            )
            transaction.set_rollback(True)
        return rows

    assert snapshot() == snapshot()


# ---------------------------------------------------------------------------- complaints
def test_the_demo_requester_has_a_complaint_to_withdraw_and_one_to_cancel(seeded):
    from apps.intake.services import cooling_off_window

    untouched = Complaint.objects.filter(complainant__username="requester", tickets__isnull=True)
    fresh = [c for c in untouched if cooling_off_window(complaint=c, now=c.filed_at + timedelta(minutes=1))]
    assert untouched.count() >= 2 and fresh


def test_a_few_hundred_complaints_on_every_platform_of_every_type(seeded):
    assert seeded.complaints == Complaint.objects.count() == 300 + 2  # two fresh ones for the portal
    assert 200 <= WithdrawalTicket.objects.count() <= 300
    assert set(Complaint.objects.values_list("platform__code", flat=True)) == set(
        Platform.objects.values_list("code", flat=True)
    )
    assert set(Complaint.objects.values_list("complaint_type__code", flat=True)) == set(
        ComplaintType.objects.values_list("code", flat=True)
    )
    assert all(re.search(r"[\u4e00-\u9fff]", c.complainant_name + c.respondent + c.summary)
               for c in Complaint.objects.all())


def test_every_complaint_number_has_its_platform_format(seeded):
    for complaint in Complaint.objects.select_related("platform"):
        assert re.fullmatch(complaint.platform.complaint_number_pattern, complaint.number), complaint.number


def test_complaints_were_filed_over_ten_days_most_in_the_last_72_hours(seeded):
    filed = Complaint.objects.values_list("filed_at", flat=True)
    ages = [(DAY - filed_at).total_seconds() / 3600 for filed_at in filed]
    assert min(ages) >= 0
    assert max(ages) <= 24 * 11
    assert sum(age < 72 for age in ages) > len(ages) / 2


# ---------------------------------------------------------------------------- tickets
@pytest.mark.parametrize(
    "now", [DAY, NIGHT, LAST_OPEN_MINUTE, CLOSING], ids=["day", "night", "20:59", "21:00"]
)
def test_every_ticket_status_and_every_stage_occurs(db, now):
    result = demo_seed(now=now, rng=random.Random(11))

    policy = PolicySettings.objects.get()
    in_hours = policy.service_opens_at <= _local(now).time() < policy.service_closes_at
    # Inside service hours the clock receives a submission at once: none can be waiting.
    expected = set(TicketStatus.values) - ({TicketStatus.SUBMITTED} if in_hours else set())
    assert set(result.tickets_by_status) == expected
    assert set(WithdrawalTicket.objects.values_list("status", flat=True)) == expected
    assert set(WithdrawalTicket.objects.exclude(stage=None).values_list("stage__code", flat=True)) == set(
        Stage.objects.values_list("code", flat=True)
    )


def test_fraud_tickets_are_refused_with_the_fraud_reason(seeded):
    never = ComplaintType.objects.get(withdrawability=Withdrawability.NEVER)
    tickets = WithdrawalTicket.objects.filter(complaint__complaint_type=never)
    assert tickets.exists()
    for ticket in tickets:
        assert ticket.status == TicketStatus.REFUSED
        assert ticket.decision_reason == never.refusal_reason
        assert ticket.decided_at is not None
        assert ticket.complaint.status == ComplaintStatus.FROZEN


def test_every_ticket_tells_its_story_in_events(seeded):
    for ticket in WithdrawalTicket.objects.prefetch_related("events"):
        events = list(ticket.events.all())
        kinds = [event.kind for event in events]
        assert kinds[0] == "created"
        assert all(event.actor_id or event.actor_label in {"seed", "clock"} for event in events)
        assert all(event.occurred_at <= DAY for event in events)
        if ticket.status != TicketStatus.DRAFT:
            assert "submitted" in kinds
        if ticket.received_at is not None:
            assert "received" in kinds
        if ticket.assignee_id is not None:
            assert "assigned" in kinds
        if ticket.decided_at is not None:
            assert kinds[-1] == "decided"


def test_a_night_submission_is_received_when_service_opens(seeded):
    opens = PolicySettings.objects.get().service_opens_at
    received = WithdrawalTicket.objects.exclude(received_at=None)
    deferred = [ticket for ticket in received if ticket.received_at != ticket.submitted_at]
    assert deferred
    for ticket in deferred:
        received = _local(ticket.received_at)
        assert (received.hour, received.minute, received.second) == (opens.hour, opens.minute, 0)
        assert ticket.received_at > ticket.submitted_at


JUST_OPENED = datetime(2026, 3, 10, 1, 1, tzinfo=UTC)  # 09:01 in Shanghai


@pytest.mark.parametrize("now", [NIGHT, CLOSING], ids=["night", "21:00"])
def test_a_submitted_ticket_is_still_waiting_for_its_receipt(db, now):
    demo_seed(now=now, complaints=120, rng=random.Random(4))
    policy = PolicySettings.objects.get()
    submitted = WithdrawalTicket.objects.filter(status=TicketStatus.SUBMITTED)
    assert submitted.exists()
    for ticket in submitted:
        local = _local(ticket.submitted_at)
        assert not policy.service_opens_at <= local.time() < policy.service_closes_at
        assert ticket.submitted_at <= now
        day = local.date() + timedelta(days=0 if local.time() < policy.service_opens_at else 1)
        opening = datetime.combine(day, policy.service_opens_at, tzinfo=local.tzinfo)
        assert ticket.received_at == opening > now
        assert ticket.next_transition_at is not None


def test_at_nine_oclock_every_night_submission_has_been_received(db):
    demo_seed(now=JUST_OPENED, complaints=120, rng=random.Random(4))
    assert not WithdrawalTicket.objects.filter(status=TicketStatus.SUBMITTED).exists()


def test_open_tickets_carry_their_deadlines_from_the_clock(seeded):
    for ticket in WithdrawalTicket.objects.filter(status__in=["received", "assigned"]):
        assert ticket.decision_due_at is not None
        assert ticket.first_contact_due_at == ticket.complaint.filed_at + timedelta(hours=4)
        assert ticket.complaint_resolution_at is not None
        assert ticket.next_transition_at is None or ticket.next_transition_at > DAY


def _stage_holding(stages: list[Stage], age: float) -> Stage:
    return next(
        stage for stage in stages
        if stage.starts_at_hour <= age and (stage.ends_at_hour is None or age < stage.ends_at_hour)
    )


def test_the_stage_is_the_one_the_complaints_age_falls_in(seeded):
    stages = list(Stage.objects.order_by("starts_at_hour"))
    open_tickets = WithdrawalTicket.objects.filter(
        status__in=[TicketStatus.RECEIVED, TicketStatus.ASSIGNED, TicketStatus.WAITING_ON_REQUESTER]
    ).select_related("complaint", "stage")
    for ticket in open_tickets:
        age = (DAY - ticket.complaint.filed_at).total_seconds() / 3600
        expected = _stage_holding(stages, age)
        assert ticket.stage == expected
        entries = list(StageEntry.objects.filter(ticket=ticket).order_by("entered_at"))
        assert [entry.stage for entry in entries] == stages[: stages.index(expected) + 1]
        assert ticket.stage_entered_at == entries[-1].entered_at


def test_assigned_tickets_are_with_a_demo_agent_of_a_team(seeded):
    for ticket in WithdrawalTicket.objects.filter(status=TicketStatus.ASSIGNED):
        assert AgentProfile.objects.filter(user=ticket.assignee, team=ticket.team).exists()
        assert ticket.assigned_at is not None
    assert WithdrawalTicket.objects.filter(assignee__username="agent").exists()


def test_routed_and_refused_tickets_carry_their_route_and_reason(seeded):
    for ticket in WithdrawalTicket.objects.filter(status=TicketStatus.ROUTED):
        assert ticket.route is not None and ticket.route.name in ticket.decision_reason
    assert all(re.search(r"[\u4e00-\u9fff]", t.decision_reason)
               for t in WithdrawalTicket.objects.filter(status=TicketStatus.REFUSED))


def test_letters_state_time_respondent_and_reason_in_three_parts(seeded):
    letters = Letter.objects.filter(ticket__letter_completed_at__isnull=False).select_related(
        "ticket__complaint"
    )
    assert letters.count() == WithdrawalTicket.objects.exclude(letter_completed_at=None).count() > 0
    for letter in letters:
        assert letter.complaint_time.second == 0
        assert letter.complaint_time == letter.ticket.complaint.filed_at.replace(second=0, microsecond=0)
        assert letter.respondent == letter.ticket.complaint.respondent
        assert letter.reason
        assert re.search("问题陈述.*\n撤销诉求.*\n补救措施", letter.body)
    blaming = letters.filter(Q(body__contains="误操作") | Q(body__contains="不小心"))
    assert 0 < blaming.count() < letters.count()


def test_identity_attempts_use_the_platforms_methods(seeded):
    verified = WithdrawalTicket.objects.exclude(identity_verified_at=None).select_related("platform")
    for ticket in verified:
        attempts = list(ticket.identity_attempts.order_by("attempted_at", "id"))
        assert attempts and {a.method for a in attempts} == set(ticket.platform.identity_methods)
        assert attempts[-1].outcome == "passed"
        assert all(a.provider == "dev" for a in attempts)
    assert IdentityVerificationAttempt.objects.filter(outcome="rejected").exists()


def test_some_tickets_are_special_cases_and_no_evidence_files_are_made(seeded):
    assert WithdrawalTicket.objects.exclude(special_case=None).exists()
    assert not EvidenceFile.objects.exists()
    assert Group.objects.get(name="requester").user_set.count() > 20


def test_waiting_tickets_show_the_agents_request_and_answered_ones_the_reply(seeded):
    from apps.conversation.models import AuthorRole, Message

    waiting = WithdrawalTicket.objects.filter(status=TicketStatus.WAITING_ON_REQUESTER)
    assert waiting.exists()
    for ticket in waiting:
        last = Message.objects.filter(ticket=ticket).order_by("created_at").last()
        assert last is not None and last.author_role == AuthorRole.AGENT
        assert last.author_id == ticket.assignee_id
    answers = Message.objects.filter(answers_request=True)
    assert answers.exists()
    for answer in answers.select_related("ticket"):
        request = Message.objects.filter(ticket=answer.ticket, created_at__lt=answer.created_at).last()
        assert request is not None and request.requester_read_at is not None
        assert request.requester_read_at <= answer.created_at
        assert answer.staff_read_at is None or answer.staff_read_at <= DAY
