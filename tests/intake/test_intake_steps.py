"""The five intake steps as services: order, number checks, refusals at step 2, submission."""

from datetime import timedelta

import pytest

from apps.complaints.models import ComplaintStatus
from apps.core.errors import ApplicationError
from apps.intake import services as intake
from apps.intake.selectors import intake_step
from apps.policy.models import ComplaintType, Platform, SpecialCase
from apps.tickets.models import EventKind, Letter, TicketEvent, TicketStatus
from tests.factories import ComplaintFactory, RequesterFactory, TicketFactory
from tests.sla.conftest import shanghai

pytestmark = pytest.mark.django_db


def _start(requester, platform_code="wechat", type_code="infringement"):
    return intake.intake_start(
        requester=requester,
        platform=Platform.objects.get(code=platform_code),
        complaint_type=ComplaintType.objects.get(code=type_code),
    )


def _confirm(ticket, requester, number):
    return intake.intake_complaint_confirm(ticket_id=ticket.pk, requester=requester, number=number)


def _through_identity(ticket, now):
    ticket.identity_verified_at = now
    ticket.save(update_fields=["identity_verified_at"])


def test_step_one_starts_a_draft_and_records_it(requester, frozen):
    ticket = _start(requester)

    assert ticket.status == TicketStatus.DRAFT
    assert ticket.entry_completed_at == frozen.at
    assert intake_step(ticket) == 2
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.INTAKE_STEP]


def test_changing_the_platform_forgets_the_confirmed_complaint(requester, frozen):
    complaint = ComplaintFactory(filed_at=frozen.at - timedelta(hours=1))
    ticket = _start(requester)
    _confirm(ticket, requester, complaint.number)

    ticket = intake.intake_start(
        requester=requester, platform=Platform.objects.get(code="alipay"),
        complaint_type=ComplaintType.objects.get(code="infringement"), ticket_id=ticket.pk,
    )

    assert ticket.complaint is None
    assert intake_step(ticket) == 2


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("20261124093000123456", "looks_like_order"),
        ("MSG-8842AB91", "looks_like_chat_record"),
        ("ZFB202611240930004567", "bad_format"),
        ("WX12", "bad_format"),
    ],
)
def test_a_wrong_number_says_what_it_looks_like(requester, frozen, typed, code):
    ticket = _start(requester)

    with pytest.raises(ApplicationError) as caught:
        _confirm(ticket, requester, typed)

    assert caught.value.extra["code"] == code
    assert caught.value.extra["fields"]["number"]


def test_the_order_number_message_tells_where_the_real_one_is(requester, frozen):
    ticket = _start(requester)

    with pytest.raises(ApplicationError) as caught:
        _confirm(ticket, requester, "2026112409300012345")

    assert "订单号" in caught.value.message


def test_a_number_copied_with_spaces_and_lower_case_is_accepted(requester, frozen):
    complaint = ComplaintFactory(filed_at=frozen.at - timedelta(hours=1))
    ticket = _start(requester)
    spaced = f" {complaint.number[:6].lower()} {complaint.number[6:]} "

    ticket = _confirm(ticket, requester, spaced)

    assert ticket.complaint == complaint


def test_an_unknown_number_is_not_found_and_someone_elses_complaint_looks_the_same(requester, frozen):
    stranger = RequesterFactory()
    theirs = ComplaintFactory(complainant=stranger, filed_at=frozen.at - timedelta(hours=1))
    ticket = _start(requester)

    for number in ("WX209999999999999999", theirs.number):
        with pytest.raises(ApplicationError) as caught:
            _confirm(ticket, requester, number)
        assert caught.value.extra["code"] == "not_found"


def test_the_complaint_type_comes_from_the_complaint(requester, frozen):
    complaint = ComplaintFactory(
        complaint_type=ComplaintType.objects.get(code="account_violation"),
        filed_at=frozen.at - timedelta(hours=1),
    )
    ticket = _start(requester, type_code="infringement")

    ticket = _confirm(ticket, requester, complaint.number)

    assert ticket.complaint_type.code == "account_violation"
    step = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.INTAKE_STEP).last()
    assert step.data["category_corrected"] is True


def test_a_fraud_report_is_refused_at_step_two_with_its_reason_and_kept(requester, frozen):
    fraud = ComplaintType.objects.get(code="fraud")
    complaint = ComplaintFactory(complaint_type=fraud, filed_at=frozen.at - timedelta(hours=1))
    ticket = _start(requester, type_code="fraud")

    ticket = _confirm(ticket, requester, complaint.number)

    assert ticket.status == TicketStatus.REFUSED
    assert ticket.decision_reason == fraud.refusal_reason
    refusal = TicketEvent.objects.get(ticket=ticket, kind=EventKind.DECIDED)
    assert refusal.data["code"] == "never_withdrawable"


def test_a_complaint_past_72_hours_is_refused_as_handled(requester, frozen):
    complaint = ComplaintFactory(filed_at=frozen.at - timedelta(hours=72))
    ticket = _start(requester)

    ticket = _confirm(ticket, requester, complaint.number)

    assert ticket.status == TicketStatus.REFUSED
    assert "reconsideration" in ticket.decision_reason or "复议" in ticket.decision_reason


def test_a_complaint_one_minute_short_of_72_hours_goes_on(requester, frozen):
    complaint = ComplaintFactory(filed_at=frozen.at - timedelta(hours=72) + timedelta(minutes=1))
    ticket = _start(requester)

    ticket = _confirm(ticket, requester, complaint.number)

    assert ticket.status == TicketStatus.DRAFT


def test_a_complaint_with_an_open_ticket_cannot_get_a_second(requester, frozen):
    existing = TicketFactory(complaint__filed_at=frozen.at - timedelta(hours=1))
    ticket = _start(requester)

    with pytest.raises(ApplicationError) as caught:
        _confirm(ticket, requester, existing.complaint.number)

    assert caught.value.extra["code"] == "already_open"
    assert existing.reference not in caught.value.message  # another account's ticket number stays hidden


def test_a_withdrawn_complaint_has_nothing_left_to_withdraw(requester, frozen):
    complaint = ComplaintFactory(status=ComplaintStatus.WITHDRAWN, filed_at=frozen.at - timedelta(hours=1))
    ticket = _start(requester)

    with pytest.raises(ApplicationError) as caught:
        _confirm(ticket, requester, complaint.number)

    assert caught.value.extra["code"] == "complaint_closed"


def test_steps_cannot_be_skipped(requester, frozen):
    ticket = _start(requester)

    with pytest.raises(ApplicationError):
        intake.intake_letter_complete(ticket_id=ticket.pk, requester=requester)
    with pytest.raises(ApplicationError) as caught:
        intake.intake_submit(ticket_id=ticket.pk, requester=requester)
    assert caught.value.extra["step"] == "complaint_number_completed_at"


def test_the_letter_step_needs_time_respondent_and_reason(requester, frozen):
    complaint = ComplaintFactory(filed_at=frozen.at - timedelta(hours=1))
    ticket = _start(requester)
    _confirm(ticket, requester, complaint.number)
    _through_identity(ticket, frozen.at)
    Letter.objects.create(ticket=ticket, respondent="某某店")

    with pytest.raises(ApplicationError) as caught:
        intake.intake_letter_complete(ticket_id=ticket.pk, requester=requester)

    assert set(caught.value.extra["fields"]) == {"complaint_time", "reason"}


def _ready_to_submit(requester, frozen):
    complaint = ComplaintFactory(filed_at=frozen.at - timedelta(minutes=30))
    ticket = _start(requester)
    _confirm(ticket, requester, complaint.number)
    _through_identity(ticket, frozen.at)
    Letter.objects.create(
        ticket=ticket, complaint_time=complaint.filed_at, respondent="某某店", reason="已协商一致"
    )
    return intake.intake_letter_complete(ticket_id=ticket.pk, requester=requester)


def test_submitted_at_22_00_is_received_at_09_00_next_morning(requester, frozen):
    frozen.set("2026-11-24 21:40")
    ticket = _ready_to_submit(requester, frozen)
    frozen.set("2026-11-24 22:00")

    ticket = intake.intake_submit(ticket_id=ticket.pk, requester=requester)

    assert ticket.status == TicketStatus.SUBMITTED
    assert ticket.received_at == shanghai("2026-11-25 09:00")
    assert ticket.decision_due_at == shanghai("2026-11-28 09:00")  # WeChat: 72 h after receipt


def test_submitted_at_20_59_is_received_at_once(requester, frozen):
    frozen.set("2026-11-24 20:30")
    ticket = _ready_to_submit(requester, frozen)
    frozen.set("2026-11-24 20:59")

    ticket = intake.intake_submit(ticket_id=ticket.pk, requester=requester)

    assert ticket.status == TicketStatus.RECEIVED
    assert ticket.received_at == shanghai("2026-11-24 20:59")


def test_a_sent_request_cannot_be_sent_again(requester, frozen):
    ticket = _ready_to_submit(requester, frozen)
    intake.intake_submit(ticket_id=ticket.pk, requester=requester)

    with pytest.raises(ApplicationError) as caught:
        intake.intake_submit(ticket_id=ticket.pk, requester=requester)

    assert caught.value.extra["code"] == "not_draft"


def test_nobody_moves_another_requesters_draft(requester, frozen):
    ticket = _start(requester)
    other = RequesterFactory()

    with pytest.raises(ApplicationError) as caught:
        intake.intake_submit(ticket_id=ticket.pk, requester=other)

    assert caught.value.extra["code"] == "not_found"


def test_declaring_a_special_case_is_recorded(requester, frozen):
    ticket = _start(requester)
    minor = SpecialCase.objects.get(code="minor")

    ticket = intake.intake_special_case_declare(ticket_id=ticket.pk, requester=requester, special_case=minor)

    assert ticket.special_case == minor
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTE, data__to="minor").exists()
