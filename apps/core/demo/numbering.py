"""Complaint numbers in each platform's format and ticket references, from the seeded generator."""

import re
from datetime import datetime
from random import Random

from apps.complaints.models import Complaint
from apps.core.demo.cases import Case
from apps.core.demo.letters import REFERENCE_PLACEHOLDER
from apps.core.demo.story import Story
from apps.core.demo.world import World
from apps.core.errors import ApplicationError
from apps.policy.models import Platform
from apps.tickets.models import REFERENCE_ALPHABET, WithdrawalTicket


def numbers_assign(world: World, cases: list[Case]) -> None:
    """Give each complaint a number in its platform's format: prefix, filing minute, random digits."""
    for platform in world.platforms:
        mine = [case.complaint for case in cases if case.platform is platform]
        used: set[str] = set()
        for complaint in mine:
            complaint.number = _complaint_number(world, platform, complaint.filed_at, used)
        clashes = set(
            Complaint.objects.filter(platform=platform, number__in=used).values_list("number", flat=True)
        )
        for complaint in mine:
            if complaint.number in clashes:
                complaint.number = _complaint_number(world, platform, complaint.filed_at, used)


def _complaint_number(world: World, platform: Platform, filed_at: datetime, used: set[str]) -> str:
    shape = re.fullmatch(r"([A-Za-z]*)(\d+)", platform.complaint_number_example)
    if shape is None:
        raise ApplicationError(
            f"Cannot make demo complaint numbers for {platform.code}: its example "
            f"{platform.complaint_number_example!r} is not letters followed by digits."
        )
    prefix, digits = shape.group(1), len(shape.group(2))
    stamp = filed_at.astimezone(world.hours.tz).strftime("%Y%m%d%H%M")[:digits]
    for _ in range(1000):
        number = prefix + stamp + "".join(world.rng.choices("0123456789", k=digits - len(stamp)))
        if number not in used:
            break
    if not re.fullmatch(platform.complaint_number_pattern, number):
        raise ApplicationError(
            f"Demo complaint number {number} does not match {platform.code}'s pattern "
            f"{platform.complaint_number_pattern}: update the platform's example to match it."
        )
    used.add(number)
    return number


def references_assign(world: World, stories: list[Story]) -> None:
    """Ticket numbers from the seeded generator (the model's default uses `secrets`)."""
    used: set[str] = set()
    for story in stories:
        story.ticket.reference = _reference(world.rng, used)
    clashes = set(WithdrawalTicket.objects.filter(reference__in=used).values_list("reference", flat=True))
    for story in stories:
        if story.ticket.reference in clashes:
            story.ticket.reference = _reference(world.rng, used)  # `used` holds the clashes too
    for story in stories:
        if story.letter is not None:
            story.letter.body = story.letter.body.replace(REFERENCE_PLACEHOLDER, story.ticket.reference)


def _reference(rng: Random, used: set[str]) -> str:
    while True:
        chars = "".join(rng.choices(REFERENCE_ALPHABET, k=8))
        reference = f"CH-{chars[:4]}-{chars[4:]}"
        if reference not in used:
            used.add(reference)
            return reference
