"""Chinese portal pages punctuate in Chinese: lists join with 、, notes sit in （）, sentences end with 。."""

import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from apps.casework.services import ticket_claim, ticket_evidence_request
from apps.core.text import has_ascii_punctuation_by_chinese
from apps.policy.models import SpecialCase
from apps.tickets.models import WithdrawalTicket
from tests.casework.conftest import agent_with, received_ticket

pytestmark = pytest.mark.django_db


def visible_text(page) -> str:
    html = page.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return strip_tags(html)


def test_a_ticket_waiting_on_evidence_reads_as_chinese(signed_in, requester, now):
    agent = agent_with()
    ticket = received_ticket(requester=requester)
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(special_case=SpecialCase.objects.get(code="minor"))
    ticket_claim(ticket_id=ticket.pk, agent=agent)
    ticket_evidence_request(ticket_id=ticket.pk, agent=agent, message="请补充监护人身份证明")

    text = visible_text(signed_in.get(reverse("portal:ticket_detail", args=[ticket.reference]),
                                      HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert "基础层、核心层、补充层" in text  # the tiers still missing
    assert "（需公证处盖章）" in text  # a document's formality
    assert not has_ascii_punctuation_by_chinese(text)


def test_the_cooling_off_lane_reads_as_chinese(signed_in):
    text = visible_text(signed_in.get(reverse("portal:cool_off"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "、" in text and not has_ascii_punctuation_by_chinese(text)
