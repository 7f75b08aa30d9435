import pytest

from tests.factories import TicketFactory


@pytest.mark.django_db
def test_a_ticket_can_be_stored():
    ticket = TicketFactory()
    assert ticket.reference.startswith("CH-")
