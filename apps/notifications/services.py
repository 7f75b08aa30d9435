"""Writes of requester notices: tell a requester on their channels, mark notices read, set channels.

`notify_requester` runs inside the transaction of the change it tells of: the portal entry and the
outbox rows commit or roll back with it. `notify_requesters` tells many at once; its cost is fixed
whatever the number of notices and the requesters' history: about a dozen short queries, fewer for
notices already written.
"""

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.urls import reverse

from apps.accounts.models import User
from apps.notifications.catalog import NoticeChannel, NoticeEvent, notice_language
from apps.notifications.models import NoticePreference, NoticeTemplate, RequesterNotice
from apps.notifications.rendering import Bilingual, ContextValue, context_flatten, template_render
from apps.notifications.schedule import next_free_slot, night_hold_until
from apps.outbound.models import Channel, MessageStatus, OutboundMessage
from apps.outbound.services import Draft, outbound_enqueue_many
from apps.policy.models import Platform, PolicySettings
from apps.sla.hours import ServiceWindow
from apps.sla.policy import working_calendar
from apps.tickets.models import WithdrawalTicket

logger = logging.getLogger(__name__)

TITLE_MAX = 200


@dataclass
class Notified:
    """What one notice wrote: the portal entry, and the outbox rows (none for a duplicate)."""

    notice: RequesterNotice
    created: bool
    messages: list[OutboundMessage] = field(default_factory=list)


@dataclass(frozen=True)
class NoticeRequest:
    """One thing to tell a ticket's requester: the event, its values and the key that makes it once."""

    ticket: WithdrawalTicket
    event: str
    context: dict[str, ContextValue]
    dedupe_key: str
    urgent: bool = False
    deadline_at: datetime | None = None


def portal_base_url() -> str:
    """Where links in e-mails point: the portal's public address (setting NOTIFICATIONS_PORTAL_URL)."""
    return str(getattr(settings, "NOTIFICATIONS_PORTAL_URL", "http://localhost:8000")).rstrip("/")


def _service_window(policy: PolicySettings) -> ServiceWindow:
    return ServiceWindow(
        opens=policy.service_opens_at,
        closes=policy.service_closes_at,
        tz=ZoneInfo(policy.time_zone),
        open_on_holidays=policy.service_on_holidays,
    )


class _TextPlanner:
    """When each text may go: held overnight unless urgent, then spread out to the hourly limit.

    Reads every recipient's recent texts in one query; a text planned here counts for the next one
    to the same person. An urgent text, or one whose deadline would pass before its slot, goes now:
    it still counts towards the limit for the texts after it.
    """

    def __init__(self, *, requester_ids: set[int], now: datetime, policy: PolicySettings) -> None:
        self.now, self.per_hour = now, policy.notice_sms_per_hour
        # The calendar is needed only when the service closes on holidays (two small queries).
        calendar = None if policy.service_on_holidays else working_calendar(today=now.date())
        self.earliest = night_hold_until(now, _service_window(policy), calendar) or now
        self.taken: dict[tuple[int, str], list[datetime]] = defaultdict(list)
        rows = (
            OutboundMessage.objects.filter(requester_id__in=requester_ids, channel=Channel.SMS)
            .exclude(status=MessageStatus.FAILED)
            .annotate(slot=Coalesce("sent_at", "next_attempt_at"))
            .filter(slot__gt=min(self.earliest, now) - timedelta(hours=1))
            .values_list("requester_id", "recipient", "slot")
        )
        for requester_id, phone, slot in rows:
            self.taken[(requester_id, phone)].append(slot)

    def send_after(
        self, *, requester_id: int, phone: str, urgent: bool, deadline_at: datetime | None
    ) -> datetime | None:
        taken = self.taken[(requester_id, phone)]
        if urgent or (deadline_at is not None and deadline_at <= self.earliest):
            taken.append(self.now)
            return None
        slot = next_free_slot(earliest=self.earliest, taken=taken, per_hour=self.per_hour)
        if deadline_at is not None and deadline_at <= slot:
            taken.append(self.now)
            return None
        taken.append(max(slot, self.now))
        return None if slot <= self.now else slot


def _preferences(requesters: list[User]) -> dict[int, NoticePreference]:
    """Each requester's channels, locked (in id order) so notices to one person plan their texts in turn."""
    ids = sorted({requester.pk for requester in requesters})
    if not ids:
        return {}
    locked = (
        NoticePreference.objects.select_for_update().filter(requester_id__in=ids).order_by("requester_id")
    )
    found = {preference.requester_id: preference for preference in locked}
    missing = [requester for requester in requesters if requester.pk not in found]
    if missing:
        NoticePreference.objects.bulk_create(
            [NoticePreference(requester=requester, email=bool(requester.email)) for requester in missing],
            ignore_conflicts=True,
        )
        found = {preference.requester_id: preference for preference in locked.all()}
    return found


def notify_requester(
    *,
    ticket: WithdrawalTicket,
    event: str,
    context: dict[str, ContextValue],
    dedupe_key: str,
    now: datetime,
    urgent: bool = False,
    deadline_at: datetime | None = None,
    key_checked: bool = False,
) -> Notified | None:
    """Tell the ticket's requester of `event` on the portal and on the channels they chose.

    Nothing for a ticket with no requester or one filed by staff. The same `dedupe_key` again writes
    nothing more, on any channel. Texts wait for the service's opening at night unless `urgent` (or
    `deadline_at` passes first) and are spread out to the policy's hourly limit, never dropped.
    `key_checked`: the caller has just seen that no notice has this key (it is not looked up again).
    """
    request = NoticeRequest(
        ticket=ticket, event=event, context=context, dedupe_key=dedupe_key, urgent=urgent,
        deadline_at=deadline_at,
    )
    return notify_requesters([request], now=now, keys_checked=key_checked)[0]


def notify_requesters(
    requests: Sequence[NoticeRequest], *, now: datetime, keys_checked: bool = False
) -> list[Notified | None]:
    """Tell many requesters at once, as `notify_requester` tells one, in a fixed number of queries.

    For jobs that change many tickets in one go (auto-assignment): the portal entries and the
    outbox rows are each written in one INSERT, inside the caller's transaction. One result per
    request, in order: None where nobody is told.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify_requester must run inside the transaction that causes the notice.")
    asked = [request for request in requests if request.ticket.requester_id]
    results: dict[str, Notified] = {}
    if asked and not keys_checked:
        # Keys first: a notice already written (a retried job, a second unread message) costs one query.
        existing = RequesterNotice.objects.filter(dedupe_key__in=[request.dedupe_key for request in asked])
        results = {notice.dedupe_key: Notified(notice=notice, created=False) for notice in existing}
    fresh: dict[str, NoticeRequest] = {}
    for request in asked:  # the first of two requests with one key is the one told
        if request.dedupe_key not in results:
            fresh.setdefault(request.dedupe_key, request)
    wanted = {request.ticket.requester_id for request in fresh.values()}
    people = User.objects.in_bulk(wanted) if wanted else {}
    staff = {pk for pk, person in people.items() if person.is_staff}  # staff filing for themselves
    told = [request for request in fresh.values() if request.ticket.requester_id not in staff]
    if told:
        results.update(_notify_fresh(told, people=people, now=now))
    return [
        None if request.ticket.requester_id is None or request.ticket.requester_id in staff
        else results.get(request.dedupe_key)
        for request in requests
    ]


def _notify_fresh(
    requests: list[NoticeRequest], *, people: dict[int, User], now: datetime
) -> dict[str, Notified]:
    policy = PolicySettings.objects.get()
    tz = ZoneInfo(policy.time_zone)
    templates = {
        (template.event, template.language, template.channel): template
        for template in NoticeTemplate.objects.filter(event__in={r.event for r in requests}, active=True)
    }
    platforms = Platform.objects.in_bulk({request.ticket.platform_id for request in requests})
    planned: list[tuple[NoticeRequest, User, str, dict[str, str], RequesterNotice]] = []
    for request in requests:
        ticket, requester = request.ticket, people[request.ticket.requester_id or 0]
        language = notice_language(requester.preferred_language)
        platform = platforms[ticket.platform_id]
        values = context_flatten(
            {
                "reference": ticket.reference,
                "requester_name": requester.display_name or requester.get_full_name(),
                "platform": Bilingual(zh=platform.name, en=platform.name_en or platform.name),
                "portal_url": portal_base_url() + reverse("portal:ticket_detail", args=[ticket.reference]),
                **request.context,
            },
            tz=tz,
            language=language,
        )
        portal = templates.get((request.event, language, NoticeChannel.PORTAL))
        notice = RequesterNotice(
            requester=requester, ticket=ticket, event=request.event,
            title=(template_render(portal.subject, values) if portal else "")[:TITLE_MAX]
            or str(NoticeEvent(request.event).label),
            body=template_render(portal.body, values) if portal else "",
            deadline_at=request.deadline_at, created_at=now, dedupe_key=request.dedupe_key,
        )
        planned.append((request, requester, language, values, notice))
    RequesterNotice.objects.bulk_create([notice for *_rest, notice in planned])
    results = {notice.dedupe_key: Notified(notice=notice, created=True) for *_rest, notice in planned}
    wanted = [
        item for item in planned
        if (item[1].phone and (item[0].event, item[2], NoticeChannel.SMS) in templates)
        or (item[1].email and (item[0].event, item[2], NoticeChannel.EMAIL) in templates)
    ]
    if not wanted:
        return results
    preferences = _preferences([requester for _r, requester, *_rest in wanted])
    texts = _TextPlanner(requester_ids=set(preferences), now=now, policy=policy)
    drafts: list[tuple[str, Draft]] = []
    for request, requester, language, values, notice in wanted:
        preference = preferences[requester.pk]
        sms = templates.get((request.event, language, NoticeChannel.SMS))
        if sms is not None and requester.phone and preference.sms:
            send_after = texts.send_after(
                requester_id=requester.pk, phone=requester.phone, urgent=request.urgent,
                deadline_at=request.deadline_at,
            )
            drafts.append((notice.dedupe_key, _sms_draft(notice, sms, values, language, send_after)))
        email = templates.get((request.event, language, NoticeChannel.EMAIL))
        if email is not None and requester.email and preference.email:
            drafts.append((notice.dedupe_key, _email_draft(notice, email, values, language)))
    # The outbox keys derive from the notices' keys, written just now: new by construction.
    rows = outbound_enqueue_many([draft for _key, draft in drafts], keys_new=True)
    for (key, _draft), row in zip(drafts, rows, strict=True):
        results[key].messages.append(row)
    return results


def _sms_draft(
    notice: RequesterNotice, template: NoticeTemplate, values: dict[str, str], language: str,
    send_after: datetime | None,
) -> Draft:
    """The text: the provider's template id and its variables in order; the body is for the record."""
    return Draft(
        channel=Channel.SMS, recipient=notice.requester.phone or "", event=notice.event,
        dedupe_key=f"notice:{notice.dedupe_key}:sms", language=language, ticket=notice.ticket,
        requester=notice.requester, body=template_render(template.body, values),
        sms_template=template.sms_template_code,
        sms_params={name: values.get(name, "") for name in template.sms_params},
        send_after=send_after,
    )


def _email_draft(
    notice: RequesterNotice, template: NoticeTemplate, values: dict[str, str], language: str
) -> Draft:
    return Draft(
        channel=Channel.EMAIL, recipient=notice.requester.email, event=notice.event,
        dedupe_key=f"notice:{notice.dedupe_key}:email", language=language, ticket=notice.ticket,
        requester=notice.requester, subject=template_render(template.subject, values)[:TITLE_MAX],
        body=template_render(template.body, values),
        html_body=template_render(template.html_body, values, html=True),
    )


# ------------------------------------------------------------------------------------- the list
def notice_mark_read(*, notice_id: int, requester: User, now: datetime) -> bool:
    """Mark one of the requester's notices read; False when it is not theirs or already read."""
    return bool(
        RequesterNotice.objects.filter(pk=notice_id, requester=requester, read_at__isnull=True).update(
            read_at=now
        )
    )


def notices_mark_all_read(*, requester: User, now: datetime) -> int:
    """Mark every unread notice of the requester read; return how many."""
    return RequesterNotice.objects.filter(requester=requester, read_at__isnull=True).update(read_at=now)


def notice_preference_update(*, requester: User, sms: bool, email: bool) -> NoticePreference:
    """Set the requester's channels; e-mail stays off while they have no address."""
    with transaction.atomic():
        preference = _preferences([requester])[requester.pk]
        preference.sms = sms
        preference.email = email and bool(requester.email)
        preference.save(update_fields=["sms", "email", "updated_at"])
    return preference

