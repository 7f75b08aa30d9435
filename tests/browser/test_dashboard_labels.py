"""The supervisor dashboard at a laptop's and a phone's width: no label is cut off, in Chinese or English.

Screenshots go to var/screenshots/ (one per width and language). A label is cut off when its box
is narrower than its text (scrollWidth > clientWidth) or, for the charts' SVG text, when it is
drawn outside the chart's picture.
"""

import pytest

from tests.dashboard.conftest import in_role, seed_known
from tests.intake.conftest import FrozenClock
from tests.sla.conftest import shanghai

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# HTML labels: table headers and row heads, key figure labels, chart headings, legends, filter labels.
HTML_LABELS = (
    "th, .kpi-label, .chart-head h2, .chart-legend li, .dash-filters label, .dash-filters button, "
    ".dash-filters a, .badge, .figures summary"
)

OVERFLOWS = """(selector) => {
  const cut = [];
  for (const element of document.querySelectorAll(selector)) {
    if (element.offsetParent === null) continue;  // not displayed (e.g. inside a closed <details>)
    if (element.scrollWidth > element.clientWidth + 1) cut.push(element.textContent.trim());
  }
  return cut;
}"""

SVG_TEXT_OUTSIDE = """() => {
  const cut = [];
  for (const svg of document.querySelectorAll('svg.chart-svg')) {
    const frame = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      const box = text.getBoundingClientRect();
      if (box.width === 0) continue;
      if (box.left < frame.left - 1 || box.right > frame.right + 1 || box.top < frame.top - 1
          || box.bottom > frame.bottom + 1) {
        cut.push(svg.id + ': ' + text.textContent);
      }
    }
  }
  return cut;
}"""

PAGE_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


@pytest.fixture
def frozen(monkeypatch) -> FrozenClock:
    clock = FrozenClock(shanghai("2026-11-24 10:00"))
    monkeypatch.setattr("apps.core.clock.now", clock)
    return clock


def _long_names() -> None:
    """Names as long as an administrator may give them, in both languages."""
    from apps.policy.models import ComplaintType, Platform

    kind = ComplaintType.objects.get(code="account_violation")
    kind.name = "账号违规举报（需双方同意并记录被投诉方的书面确认）"
    kind.name_en = "Account-violation report (both parties agree, the respondent's consent recorded)"
    kind.save()
    douyin = Platform.objects.get(code="douyin")
    douyin.name, douyin.name_en = "抖音创作者中心争议管理", "Douyin creator centre dispute management"
    douyin.save()


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh-CN"), ("en", "en-GB")], ids=["zh", "en"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280", "390"])
def test_no_dashboard_label_is_cut_off(live_server, browser, frozen, screenshot, language, locale, viewport):
    from apps.accounts.roles import SUPERVISOR
    from tests.browser.conftest import force_login

    seed_known()
    _long_names()
    supervisor = in_role(SUPERVISOR, username="lead", display_name="主管 Lead")
    context = browser.new_context(
        viewport=viewport, locale=locale, extra_http_headers={"Accept-Language": language}
    )
    force_login(context, live_server, supervisor)
    page = context.new_page()

    response = page.goto(f"{live_server.url}/dashboard/")
    assert response.status == 200
    for summary in page.locator("details.figures summary").all():
        summary.click()  # open every table of figures, so their headers are measured too
    screenshot(page, f"{viewport['width']}")

    assert page.evaluate(OVERFLOWS, HTML_LABELS) == []
    assert page.evaluate(SVG_TEXT_OUTSIDE) == []
    assert page.evaluate(PAGE_WIDER_THAN_SCREEN) is False
    context.close()


def test_a_bad_filter_is_explained_next_to_its_field_on_a_phone(live_server, browser, frozen, screenshot):
    from apps.accounts.roles import SUPERVISOR
    from tests.browser.conftest import force_login

    seed_known()
    supervisor = in_role(SUPERVISOR, username="lead", display_name="主管 Lead")
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"}
    )
    force_login(context, live_server, supervisor)
    page = context.new_page()

    response = page.goto(f"{live_server.url}/dashboard/?from=2026-11-20&to=2026-11-10&platform=myspace")
    assert response.status == 400
    screenshot(page, "bad-filter")
    assert page.locator(".dash-filters [role=alert]").is_visible()
    assert page.locator("#e-from").inner_text() == "开始日期（2026-11-20）晚于结束日期（2026-11-10）。"
    assert page.locator("#e-platform").inner_text() == "没有“myspace”这个平台，请从列表中选择。"
    assert page.evaluate(OVERFLOWS, HTML_LABELS + ", .field-error") == []
    assert page.evaluate(PAGE_WIDER_THAN_SCREEN) is False

    # Choosing a platform from the list and applying it puts the filter in the address to share.
    page.locator("#f-from").fill("")
    page.locator("#f-to").fill("")
    page.locator("#f-platform").select_option("alipay")
    page.get_by_role("button", name="应用").click()
    page.wait_for_load_state()
    assert page.url.endswith("/dashboard/?from=&to=&team=&platform=alipay")
    assert page.locator(".kpi-value").first.inner_text() == "2"
    screenshot(page, "alipay")
    context.close()
