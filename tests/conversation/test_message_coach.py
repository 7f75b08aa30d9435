"""The letter coach's tone advice on the requester's messages, live and never blocking."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.conversation.coach import message_advice
from apps.conversation.models import AuthorRole, Message
from apps.conversation.services import message_post
from tests.casework.conftest import received_ticket
from tests.factories import RequesterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(requester, now):
    return received_ticket(requester=requester)


def check(client, ticket, body):
    return client.post(reverse("portal:message_check", args=[ticket.reference]), {"body": body})


def browser_of(user, language) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_a_blame_shifting_phrase_gets_advice_in_chinese(ticket, requester):
    response = check(browser_of(requester, "zh-hans"), ticket, "我不小心投诉了，请撤回")
    assert response.status_code == 200
    (advice,) = response.json()["advice"]
    assert advice["code"] == "blame_shifting"
    assert "不小心" in advice["message"] and "推卸责任" in advice["message"]  # plain words, not "推责"


def test_a_blame_shifting_phrase_gets_advice_in_english(ticket, requester):
    response = check(browser_of(requester, "en"), ticket, "I filed it by accident, please withdraw it.")
    (advice,) = response.json()["advice"]
    assert advice["code"] == "blame_shifting"
    assert "by accident" in advice["message"] and "shifting the blame" in advice["message"]


def test_shouting_gets_the_calm_tone_advice(ticket, requester):
    response = check(browser_of(requester, "en"), ticket, "Withdraw it now!!!")
    assert [item["code"] for item in response.json()["advice"]] == ["tone_shouting"]
    assert "tone calm" in response.json()["advice"][0]["message"]


@pytest.mark.parametrize(
    "body",
    [
        "The receipt is attached; the order number is 2026-1203-88.",
        "协议已经签好，附件是扫描件。",
        "",
    ],
)
def test_a_calm_message_gets_no_advice(ticket, requester, body):
    # Not a letter: no complaint time, parts or precise terms are asked of a message.
    response = check(browser_of(requester, "en"), ticket, body)
    assert response.json() == {"advice": []}


def test_advice_never_blocks_sending(ticket, requester):
    assert message_advice(text="I clicked by mistake!!!")
    message_post(
        ticket_id=ticket.pk, author=requester, role=AuthorRole.REQUESTER, body="I clicked by mistake!!!"
    )
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_another_requesters_ticket_is_not_checked(ticket):
    assert check(browser_of(RequesterFactory(), "en"), ticket, "不小心").status_code == 404


def test_anonymous_and_staff_are_refused(ticket, agent):
    anonymous = check(Client(), ticket, "不小心")
    assert anonymous.status_code == 302 and "sign-in" in anonymous["Location"]
    assert check(browser_of(agent, "en"), ticket, "不小心").status_code == 403
    assert Client().get(reverse("portal:message_check", args=[ticket.reference])).status_code == 302


def test_only_post_is_answered(ticket, requester):
    client = browser_of(requester, "en")
    assert client.get(reverse("portal:message_check", args=[ticket.reference])).status_code == 405
