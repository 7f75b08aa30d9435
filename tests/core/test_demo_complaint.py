"""A fresh demo complaint whenever the newcomer arrives: `manage.py demo_complaint` and the portal button."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.complaints.models import Complaint, ComplaintStatus
from apps.core import clock
from tests.factories import RequesterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requester(db):
    return RequesterFactory(username="requester", phone="13800138000", display_name="王小明")


@pytest.fixture
def signed_in(client, requester):
    client.force_login(requester)
    return client


def test_the_command_files_a_complaint_that_can_be_cancelled_now(settings, requester):
    settings.DEMO_TOOLS = True
    out = StringIO()

    call_command("demo_complaint", stdout=out)

    complaint = Complaint.objects.get(complainant=requester)
    printed = out.getvalue()
    assert complaint.number in printed
    assert "13800138000" in printed
    assert reverse("portal:cool_off") in printed
    assert complaint.status == ComplaintStatus.OPEN and complaint.complaint_type.low_risk
    assert abs(complaint.filed_at - clock.now()) < timedelta(minutes=1)
    assert complaint.number.startswith(complaint.platform.complaint_number_example[:2])


def test_the_command_twice_gives_two_different_numbers(settings, requester):
    settings.DEMO_TOOLS = True
    call_command("demo_complaint", stdout=StringIO())
    call_command("demo_complaint", stdout=StringIO())
    assert Complaint.objects.filter(complainant=requester).values("number").distinct().count() == 2


def test_the_command_refuses_with_the_demo_tools_off(settings, requester):
    settings.DEMO_TOOLS = False
    with pytest.raises(CommandError, match="DEMO_TOOLS"):
        call_command("demo_complaint", stdout=StringIO())
    assert not Complaint.objects.exists()


def test_the_command_says_to_seed_first_without_the_demo_requester(settings, db):
    settings.DEMO_TOOLS = True
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("demo_complaint", stdout=StringIO())


def test_the_cancel_page_offers_the_demo_button_only_with_the_demo_tools(settings, signed_in):
    settings.DEMO_TOOLS = True
    assert "File a fresh demo complaint" in _page(signed_in, "en")
    settings.DEMO_TOOLS = False
    assert "File a fresh demo complaint" not in _page(signed_in, "en")
    assert "demo_complaint" not in _page(signed_in, "en")


def test_the_button_files_a_complaint_shows_its_number_and_it_can_be_cancelled(
    settings, signed_in, requester
):
    settings.DEMO_TOOLS = True

    page = signed_in.post(reverse("portal:cool_off"), {"demo_complaint": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    complaint = Complaint.objects.get(complainant=requester)
    html = page.content.decode()
    assert page.status_code == 200
    assert f"演示投诉 {complaint.number} 刚刚提交" in html
    assert f'value="{complaint.number}"' in html  # the form is filled in: one click cancels it
    done = signed_in.post(
        reverse("portal:cool_off"), {"platform": complaint.platform.pk, "number": complaint.number}
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CANCELLED
    assert complaint.number in done.content.decode()


def test_the_button_is_not_found_with_the_demo_tools_off(settings, signed_in):
    settings.DEMO_TOOLS = False

    page = signed_in.post(reverse("portal:cool_off"), {"demo_complaint": "1"})

    assert page.status_code == 404
    assert not Complaint.objects.exists()


def test_strangers_cannot_use_the_button(settings, client):
    settings.DEMO_TOOLS = True
    page = client.post(reverse("portal:cool_off"), {"demo_complaint": "1"})
    assert page.status_code in (302, 403)
    assert not Complaint.objects.exists()


def test_production_settings_turn_the_demo_tools_off_whatever_the_environment():
    source = (settings_dir() / "production.py").read_text(encoding="utf-8")
    assert "DEMO_TOOLS = False" in source
    assert (
        'DEMO_TOOLS = env.bool("CHEHUI_DEMO_TOOLS", default=True)'
        in (settings_dir() / "local.py").read_text()
    )


def settings_dir():
    from django.conf import settings

    return settings.BASE_DIR / "config" / "settings"


def _page(client, language: str) -> str:
    return client.get(reverse("portal:cool_off"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
