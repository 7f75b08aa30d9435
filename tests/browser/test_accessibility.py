"""axe-core over every page type of the portal (375 px) and the workspace (1366 px), in Chinese and English.

axe-core comes from npm (package.json pins it; `make install` runs `npm ci`); Playwright injects it into
each page in Debian's Chromium and the test fails on any violation axe rates "serious" or "critical",
naming the rule, its help and the selectors of the offending nodes.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from apps.accounts.models import User
from apps.accounts.roles import REQUESTER, SUPERVISOR
from apps.casework.services import (
    ticket_approve,
    ticket_claim,
    ticket_evidence_request,
    tickets_assign_bulk,
)
from apps.conversation.models import AuthorRole
from apps.conversation.services import message_post
from apps.core import clock
from apps.tickets.events import event_record
from apps.tickets.models import EventKind
from tests.browser.conftest import DESKTOP, PHONE, force_login
from tests.casework.conftest import agent_with, person, received_ticket, shanghai
from tests.factories import DraftFactory
from tests.workspace.test_case_page import provide_required_documents

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = ROOT / "var" / "axe"  # every page's full list of violations, the minor ones too (ignored by git)
BLOCKING = ("serious", "critical")
LANGUAGES = {"zh": ("zh-hans", "zh-CN"), "en": ("en", "en-GB")}


@dataclass
class Visit:
    """Who looks at which URL (None: signed out), and what to do on the page before axe runs."""

    url: str
    user: User | None = None
    then: Callable[[object], None] | None = None


def _requester(language: str) -> User:
    return person(
        REQUESTER, phone="13800138000", email="wang.fang@example.com", preferred_language=language,
        display_name="王芳",
    )


def _named_agent(name: str = "李静") -> User:
    agent = agent_with()
    agent.display_name = name
    agent.save(update_fields=["display_name"])
    return agent


def _conversation(requester: User, agent: User):
    """A received ticket the agent holds, with a message each way and a request for evidence."""
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    message_post(ticket_id=ticket.pk, author=agent, role=AuthorRole.AGENT, body="请上传双方签署的和解协议。")
    message_post(ticket_id=ticket.pk, author=requester, role=AuthorRole.REQUESTER, body="好的，稍后上传。")
    ticket_evidence_request(ticket_id=ticket.pk, agent=agent, message="请补充和解协议（PDF 或 Word）。")
    return ticket


def _draft(requester: User, step: int):
    """A draft whose intake stops before `step` (2-5)."""
    at = clock.now()
    done = (
        "entry_completed_at", "complaint_number_completed_at", "identity_verified_at", "letter_completed_at",
    )
    return DraftFactory(
        requester=requester, complaint__filed_at=shanghai("2026-11-24 09:00"),
        **dict.fromkeys(done[:step - 1], at),
    )


def _sign_in_code(page) -> None:
    page.locator("input[name=phone]").fill("138 0013 8000")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/sign-in/code/")


def _sign_in_refused(page) -> None:
    page.locator("input[name=phone]").fill("123")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_selector(".errorlist")


def _complaint_number_refused(page) -> None:
    page.locator("input[name=number]").fill("2026112412345678901")  # an order number, not a complaint's
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_selector(".errorlist")


def _read_all(page) -> None:
    page.locator("form[action$='/read-all/'] button").click()
    page.wait_for_selector(".flash")


def _claim(page) -> None:
    page.locator("form[action$='/claim/'] button[type=submit]").first.click()
    page.wait_for_selector(".flash")


# Portal pages, seen on a phone by a requester (or by nobody, signed out).
def portal_home(language):
    requester = _requester(language)
    _draft(requester, 3)
    return Visit("/", requester)


def portal_sign_in(language):
    return Visit("/account/sign-in/")


def portal_sign_in_code(language):
    _requester(language)
    return Visit("/account/sign-in/", then=_sign_in_code)


def portal_sign_in_refused(language):
    return Visit("/account/sign-in/", then=_sign_in_refused)


def intake_complaint_refused(language):
    requester = _requester(language)
    draft = _draft(requester, 2)
    return Visit(f"/withdraw/{draft.reference}/complaint/", requester, _complaint_number_refused)


def intake_platform(language):
    return Visit("/withdraw/", _requester(language))


def _intake_step(step: int, path: str):
    def visit(language):
        requester = _requester(language)
        return Visit(f"/withdraw/{_draft(requester, step).reference}/{path}/", requester)

    return visit


def portal_my_tickets(language):
    requester = _requester(language)
    _conversation(requester, _named_agent())
    _draft(requester, 4)
    return Visit("/tickets/", requester)


def portal_ticket_chat(language):
    requester = _requester(language)
    ticket = _conversation(requester, _named_agent())
    return Visit(f"/tickets/{ticket.reference}/", requester)


def portal_notifications(language):
    requester = _requester(language)
    _conversation(requester, _named_agent())
    return Visit("/portal/notifications/", requester)


def portal_notifications_read(language):
    requester = _requester(language)
    _conversation(requester, _named_agent())
    return Visit("/portal/notifications/", requester, _read_all)


def portal_channels(language):
    return Visit("/portal/notifications/channels/", _requester(language))


def portal_cool_off(language):
    return Visit("/cancel/", _requester(language))


# Workspace pages, seen at a desk by an agent or a supervisor.
def workspace_queue(language):
    agent = _named_agent()
    for _ in range(3):
        received_ticket()
    ticket_claim(ticket_id=received_ticket().pk, agent=agent)
    return Visit("/workspace/?tab=unassigned", agent)


def workspace_search(language):
    supervisor = person(SUPERVISOR, display_name="周敏")
    received_ticket()
    received_ticket(requester=person(REQUESTER, display_name="陈晓东", phone="13800004321"))
    return Visit("/workspace/?tab=all&q=4321", supervisor)


def workspace_case_open(language):
    agent = _named_agent()
    ticket = _conversation(_requester(language), agent)
    return Visit(f"/workspace/case/{ticket.reference}/", agent)


def workspace_case_claimed(language):
    agent = _named_agent()
    ticket = received_ticket(requester=_requester(language))
    return Visit(f"/workspace/case/{ticket.reference}/", agent, _claim)


def workspace_case_decided(language):
    agent = _named_agent()
    ticket = _conversation(_requester(language), agent)
    provide_required_documents(ticket)
    ticket_approve(ticket_id=ticket.pk, agent=agent)
    return Visit(f"/workspace/case/{ticket.reference}/", agent)


def workspace_notifications(language):
    supervisor = person(SUPERVISOR, display_name="周敏")
    agent = _named_agent()
    tickets = [received_ticket().pk, received_ticket().pk]
    tickets_assign_bulk(ticket_ids=tickets, agent=agent, actor=supervisor)  # the agent is told of each
    return Visit("/workspace/notifications/", agent)


def workspace_reveals(language):
    supervisor = person(SUPERVISOR, display_name="周敏")
    agent = _named_agent("赵磊")
    event_record(
        ticket=received_ticket(), kind=EventKind.PERSONAL_DATA_REVEALED, actor=agent,
        to_value="requester_phone",
        data={"field": "requester_phone", "purpose": "call_requester", "reason": "申请人要求回电。"},
        occurred_at=shanghai("2026-11-24 09:50"),
    )
    return Visit("/workspace/reveals/", supervisor)


def workspace_dashboard(language):
    from tests.dashboard.conftest import seed_known

    seed_known()
    return Visit("/dashboard/", person(SUPERVISOR, display_name="周敏"))


def workspace_staff_sign_in(language):
    return Visit("/admin/login/")


PORTAL = {
    "home": portal_home,
    "sign-in": portal_sign_in,
    "sign-in-code": portal_sign_in_code,
    "sign-in-refused": portal_sign_in_refused,
    "intake-platform": intake_platform,
    "intake-complaint": _intake_step(2, "complaint"),
    "intake-complaint-refused": intake_complaint_refused,
    "intake-identity": _intake_step(3, "identity"),
    "intake-letter": _intake_step(4, "letter"),
    "intake-submit": _intake_step(5, "submit"),
    "my-tickets": portal_my_tickets,
    "ticket-chat": portal_ticket_chat,
    "notifications": portal_notifications,
    "notifications-read": portal_notifications_read,
    "channels": portal_channels,
    "cool-off": portal_cool_off,
}
WORKSPACE = {
    "queue": workspace_queue,
    "queue-search": workspace_search,
    "case-open": workspace_case_open,
    "case-claimed": workspace_case_claimed,
    "case-decided": workspace_case_decided,
    "notifications": workspace_notifications,
    "reveals": workspace_reveals,
    "dashboard": workspace_dashboard,
    "staff-sign-in": workspace_staff_sign_in,
}
PAGES = [
    pytest.param(build, PHONE, language, id=f"portal-{name}-{language}")
    for name, build in PORTAL.items() for language in LANGUAGES
] + [
    pytest.param(build, DESKTOP, language, id=f"workspace-{name}-{language}")
    for name, build in WORKSPACE.items() for language in LANGUAGES
]


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.x A/AA and best practices) on the page; return its violations."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make install` (npm ci) installs axe-core from package-lock.json.")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        impact, rule, help_text = violation["impact"], violation["id"], violation["help"]
        lines.append(f"[{impact}] {rule}: {help_text} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            selector = " ".join(map(str, node["target"]))
            lines.append(f"    {selector}  {node.get('failureSummary', '')[:200]!r}")
    return "\n".join(lines)


@pytest.mark.parametrize(("build", "viewport", "language"), PAGES)
def test_no_serious_or_critical_accessibility_violation(
    request, live_server, browser, now, screenshot, build, viewport, language
):
    accept, locale = LANGUAGES[language]
    visit = build(accept)
    context = browser.new_context(
        viewport=viewport, locale=locale, extra_http_headers={"Accept-Language": accept}
    )
    context.clock.set_system_time(clock.now())  # the pages' countdowns on the test's frozen clock
    if visit.user is not None:
        force_login(context, live_server, visit.user)
    page = context.new_page()
    response = page.goto(f"{live_server.url}{visit.url}")
    assert response is not None and response.status == 200, (visit.url, response and response.status)
    if visit.then is not None:
        visit.then(page)
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == accept

    violations = axe_violations(page)
    screenshot(page, "page")
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{request.node.callspec.id}.json"
    report.write_text(json.dumps(violations, ensure_ascii=False, indent=1))
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    context.close()
    assert not blocking, f"axe-core on {visit.url}:\n{describe(blocking)}"
