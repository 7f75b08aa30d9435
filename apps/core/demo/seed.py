"""Seed the demo once: plan the complaints, play their tickets forward, then write it all down."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from random import Random

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.roles import roles_sync
from apps.complaints.models import Complaint
from apps.core.demo.cases import cases_plan
from apps.core.demo.numbering import numbers_assign, references_assign
from apps.core.demo.persistence import records_save
from apps.core.demo.simulation import Simulator
from apps.core.demo.users import DEMO_USERNAMES, DemoCredential, staff_create
from apps.core.demo.world import World
from apps.core.errors import ApplicationError
from apps.sla.services import clock_recompute
from apps.sla.sweep import clock_sweep
from apps.tickets.models import TicketStatus, WithdrawalTicket

CREDENTIALS_FILE_NAME = "demo-credentials.txt"
DEMO_REQUESTER_PHONE = "138 0013 8000"


@dataclass(frozen=True)
class DemoResult:
    created: bool
    credentials: tuple[DemoCredential, ...] = ()
    complaints: int = 0
    tickets: int = 0
    events: int = 0
    tickets_by_status: dict[str, int] = field(default_factory=dict)


# Everything comes from one `random.Random` and one `now`, so a seed can be repeated; only the
# passwords come from `secrets`. Times follow the policy tables (service hours, stages, each
# platform's handling time) the way the services will, so the demo looks like production.
def demo_seed(*, now: datetime, complaints: int = 300, rng: Random) -> DemoResult:
    """Create the demo users, complaints and tickets once; do nothing if the demo users exist."""
    if now.tzinfo is None:
        raise ApplicationError("The demo needs an aware `now`.")
    if complaints < 1:
        raise ApplicationError("Ask for at least one complaint.")
    with transaction.atomic():
        roles_sync()
        if User.objects.filter(username__in=DEMO_USERNAMES).exists():
            return DemoResult(created=False)
        world = World.load(now=now, rng=rng)
        credentials = staff_create(world)
        cases = cases_plan(world, count=complaints)
        stories = [Simulator(world, case).run() for case in cases if case.plan is not None]
        numbers_assign(world, cases)
        references_assign(world, stories)
        event_count = records_save(cases, stories)
        fresh = _fresh_complaints_for_the_demo_requester(world, now)
        # The clock owns deadlines and boundaries: it stores them and settles what is due by now.
        clock_recompute(now=now)
        swept = clock_sweep(now=now)
    statuses = Counter(
        WithdrawalTicket.objects.filter(pk__in=[story.ticket.pk for story in stories]).values_list(
            "status", flat=True
        )
    )
    return DemoResult(
        created=True,
        credentials=tuple(credentials),
        complaints=len(cases) + fresh,
        tickets=len(stories),
        events=event_count + swept.moved,
        tickets_by_status={status: statuses[status] for status in TicketStatus.values if statuses[status]},
    )


def _fresh_complaints_for_the_demo_requester(world: World, now: datetime) -> int:
    """Two complaints the demo requester has not acted on yet: one to withdraw through the portal's
    five steps, and one filed a minute ago that the cooling-off lane can still cancel."""
    requester = world.users["requester"]
    platforms = {platform.code: platform for platform in world.platforms}
    types = {kind.code: kind for kind in world.types}
    stamp = now.astimezone(world.hours.tz).strftime("%Y%m%d%H%M")
    for n, (type_code, minutes, respondent) in enumerate(
        (("infringement", 50, "某某数码专营店"), ("account_violation", 1, "用户“小鱼”"))
    ):
        Complaint.objects.create(
            platform=platforms["wechat"], number=f"WX{stamp}{999990 + n:06d}",
            complaint_type=types[type_code], complainant=requester,
            complainant_name=requester.display_name, respondent=respondent,
            filed_at=now - timedelta(minutes=minutes),
        )
    return 2


def demo_credentials_write(*, credentials: tuple[DemoCredential, ...], directory: Path) -> Path:
    """Write the demo passwords where they can be looked up again (readable by the owner only)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / CREDENTIALS_FILE_NAME
    lines = ["# Chehui demo users (seed_demo). Demo only: delete this file when you no longer need it."]
    lines += [f"{c.role:<11} {c.username:<16} {c.password:<14} {c.display_name}" for c in credentials]
    lines += [
        "# Agents work at /workspace/ (queue, cases); supervisors also at /dashboard/ and /admin/",
        "# (configuration); admin also manages integrations and API keys at /admin/integrations/.",
        "# The requester signs in to the portal at /account/sign-in/ with",
        f"# {DEMO_REQUESTER_PHONE}: the SMS code is written to the server's console.",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path
