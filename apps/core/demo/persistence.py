"""Write the planned complaints and played tickets in a few bulk inserts."""

from apps.complaints.models import Complaint
from apps.conversation.models import Message
from apps.core.demo.cases import Case
from apps.core.demo.letters import NUMBER_PLACEHOLDER
from apps.core.demo.story import Story
from apps.core.demo.world import BULK_BATCH_SIZE
from apps.identity.models import IdentityVerificationAttempt
from apps.tickets.models import Letter, StageEntry, TicketEvent, WithdrawalTicket

SEED_LABEL = "seed"


def records_save(cases: list[Case], stories: list[Story]) -> int:
    """Write everything in a few bulk inserts; return how many events were written."""
    Complaint.objects.bulk_create([case.complaint for case in cases], batch_size=BULK_BATCH_SIZE)
    tickets = [story.ticket for story in stories]
    for ticket in tickets:
        if ticket.complaint is not None:
            ticket.complaint_filed_at = ticket.complaint.filed_at
    WithdrawalTicket.objects.bulk_create(tickets, batch_size=BULK_BATCH_SIZE)
    letters = []
    for story in stories:
        if story.letter is not None:
            complaint = story.ticket.complaint
            number = complaint.number if complaint is not None else ""
            story.letter.body = story.letter.body.replace(NUMBER_PLACEHOLDER, number)
            letters.append(story.letter)
    Letter.objects.bulk_create(letters, batch_size=BULK_BATCH_SIZE)
    StageEntry.objects.bulk_create([e for s in stories for e in s.stage_entries], batch_size=BULK_BATCH_SIZE)
    IdentityVerificationAttempt.objects.bulk_create(
        [a for s in stories for a in s.attempts], batch_size=BULK_BATCH_SIZE
    )
    Message.objects.bulk_create([m for s in stories for m in s.messages], batch_size=BULK_BATCH_SIZE)
    events = [
        TicketEvent(
            ticket=story.ticket, kind=e.kind, actor=e.actor, actor_label="" if e.actor else SEED_LABEL,
            occurred_at=e.at, from_value=e.from_value, to_value=e.to_value, data=e.data,
        )
        for story in stories
        for e in story.events
    ]
    TicketEvent.objects.bulk_create(events, batch_size=BULK_BATCH_SIZE)
    return len(events)
