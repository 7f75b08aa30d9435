"""The demo's SLA history looks like a real team's: most deadlines met, some met late, a few missed."""

import random
from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.db.models import Count, F, Q

from apps.core.demo import demo_seed
from apps.tickets.models import EventKind, TicketEvent, TicketStatus, WithdrawalTicket

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
EVENING = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)  # 20:30 in Shanghai
NIGHT = datetime(2026, 3, 10, 18, 30, tzinfo=UTC)  # 02:30 in Shanghai
S = TicketStatus


def sla_figures(now: datetime) -> dict[str, int]:
    """Settled deadlines as the dashboard counts them: met on time, met late, missed (one query)."""
    counted = WithdrawalTicket.objects.exclude(status__in=(S.DRAFT, S.CANCELLED))
    contact_settled = Q(first_contact_due_at__isnull=False) & (
        Q(first_contact_at__isnull=False) | Q(first_contact_due_at__lte=now)
    )
    decision_settled = Q(decision_due_at__isnull=False) & (
        Q(decided_at__isnull=False) | (Q(decision_due_at__lte=now) & ~Q(status=S.WAITING_ON_REQUESTER))
    )
    return counted.aggregate(
        contact=Count("pk", filter=contact_settled),
        contact_on_time=Count(
            "pk", filter=contact_settled & Q(first_contact_at__lte=F("first_contact_due_at"))
        ),
        contact_late=Count("pk", filter=contact_settled & Q(first_contact_at__gt=F("first_contact_due_at"))),
        contact_missed=Count("pk", filter=contact_settled & Q(first_contact_at__isnull=True)),
        decision=Count("pk", filter=decision_settled),
        decision_on_time=Count("pk", filter=decision_settled & Q(decided_at__lte=F("decision_due_at"))),
        decision_late=Count("pk", filter=decision_settled & Q(decided_at__gt=F("decision_due_at"))),
        decision_missed=Count("pk", filter=decision_settled & Q(decided_at__isnull=True)),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("now", [DAY, EVENING, NIGHT], ids=["10:30", "20:30", "02:30"])
def test_most_deadlines_are_met_some_late_some_missed(now, seed):
    demo_seed(now=now, rng=random.Random(seed))

    figures = sla_figures(now)

    for deadline in ("contact", "decision"):
        total = figures[deadline]
        assert total >= 40, figures
        assert 0.85 <= figures[f"{deadline}_on_time"] / total <= 0.95, figures
        assert (
            figures[f"{deadline}_on_time"] + figures[f"{deadline}_late"] + figures[f"{deadline}_missed"]
            == total
        )
    assert figures["contact_late"] > 0 and figures["contact_missed"] > 0, figures
    assert figures["decision_late"] + figures["decision_missed"] > 0, figures


def test_one_seed_gives_one_history(db):
    def figures() -> tuple[dict[str, int], list[tuple[object, ...]]]:
        with transaction.atomic():
            demo_seed(now=DAY, complaints=80, rng=random.Random(7))
            breaches = list(
                TicketEvent.objects.filter(kind=EventKind.DEADLINE_BREACHED)
                .order_by("occurred_at", "to_value", "ticket__reference")
                .values_list("ticket__reference", "to_value", "occurred_at")
            )
            result = sla_figures(DAY), breaches
            transaction.set_rollback(True)
        return result

    first = figures()
    assert first == figures()
    assert first[1], "some deadlines were breached and the history shows when"


def test_a_deadline_met_late_is_marked_breached_when_it_passed(db):
    demo_seed(now=DAY, rng=random.Random(1))
    late = WithdrawalTicket.objects.filter(first_contact_at__gt=F("first_contact_due_at"))
    assert late.exists()
    for ticket in late:
        assert ticket.first_contact_breached_at == max(ticket.first_contact_due_at, ticket.received_at)
        assert ticket.events.filter(kind=EventKind.DEADLINE_BREACHED, to_value="first_contact").count() == 1
    decided_late = WithdrawalTicket.objects.filter(decided_at__gt=F("decision_due_at"))
    assert all(ticket.decision_breached_at is not None for ticket in decided_late)
