"""evidence_chain_status and evidence_for_viewer: what a ticket's chain is worth, and who may see a file."""

from decimal import Decimal

import pytest
from django.http import Http404

from apps.evidence.selectors import evidence_chain_status, evidence_for_viewer
from apps.sla.aging import with_evidence
from tests.evidence import files
from tests.evidence.uploads import upload
from tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_ticket_without_evidence_misses_every_tier_and_keeps_its_odds(draft):
    chain = evidence_chain_status(ticket=draft)
    assert [coverage.tier.code for coverage in chain.tiers] == ["base", "core", "supplementary"]
    assert [tier.code for tier in chain.missing] == ["base", "core", "supplementary"]
    assert (chain.present, chain.files, chain.complete) == ([], [], False)
    assert chain.odds_multiplier == 1.0
    assert chain.estimate(0.33) == 0.33
    assert chain.complete_chain_multiplier == Decimal("4.70")


def test_a_partial_chain_lists_what_is_missing_and_scales_the_odds_by_its_share(draft):
    first = upload(draft, files.pdf_bytes("imei"), "imei.pdf", tier="base")
    second = upload(draft, files.docx_with_png("截图"), "截图.docx", tier="base")
    upload(draft, files.pdf_bytes("agreement"), "和解协议.pdf", tier="core")

    chain = evidence_chain_status(ticket=draft)
    assert [tier.code for tier in chain.present] == ["base", "core"]
    assert [tier.code for tier in chain.missing] == ["supplementary"]
    assert not chain.complete
    assert chain.tiers[0].files == [first, second]
    assert chain.odds_multiplier == pytest.approx(4.7 ** (2 / 3))
    assert chain.estimate(0.33) == pytest.approx(with_evidence(0.33, 2, 3, 4.7))
    assert chain.estimate_if_complete(0.33) == pytest.approx(with_evidence(0.33, 3, 3, 4.7))


def test_a_complete_chain_multiplies_the_odds_by_the_policys_figure(draft, policy):
    for tier in ("base", "core", "supplementary"):
        upload(draft, files.pdf_bytes(tier), f"{tier}.pdf", tier=tier)
    chain = evidence_chain_status(ticket=draft)
    assert chain.complete and chain.missing == []
    assert chain.odds_multiplier == pytest.approx(4.7)
    # 17 % (the article's baseline) at odds ×4.7: 0.17/0.83 × 4.7 = 0.9627 → 49.0 %.
    assert chain.estimate(0.17) == pytest.approx(0.4905, abs=1e-4)

    policy.complete_chain_odds_multiplier = Decimal("2.00")
    policy.save(update_fields=["complete_chain_odds_multiplier"])
    assert evidence_chain_status(ticket=draft).odds_multiplier == pytest.approx(2.0)


def test_the_chain_is_read_in_a_fixed_number_of_queries(draft, django_assert_num_queries):
    for n in range(4):
        upload(draft, files.pdf_bytes(f"file {n}"), f"{n}.pdf", tier="core")
    with django_assert_num_queries(3):
        chain = evidence_chain_status(ticket=draft)
        assert [file.tier.code for file in chain.files] == ["core"] * 4


def test_a_requester_sees_their_own_file_and_no_one_elses(draft):
    evidence = upload(draft, files.pdf_bytes())
    assert evidence_for_viewer(user=draft.requester, pk=evidence.pk) == evidence
    with pytest.raises(Http404):
        evidence_for_viewer(user=UserFactory(), pk=evidence.pk)
    with pytest.raises(Http404):
        evidence_for_viewer(user=draft.requester, pk=evidence.pk + 1000)


def test_agents_see_files_of_tickets_in_their_scope_supervisors_all(agent_of, outside_agent, supervisor):
    ticket = TicketFactory()
    agent = agent_of(ticket)
    evidence = upload(ticket, files.pdf_bytes())
    assert evidence_for_viewer(user=agent, pk=evidence.pk) == evidence
    assert evidence_for_viewer(user=supervisor, pk=evidence.pk) == evidence
    with pytest.raises(Http404):
        evidence_for_viewer(user=outside_agent, pk=evidence.pk)


def test_an_inactive_user_sees_nothing(draft):
    evidence = upload(draft, files.pdf_bytes())
    draft.requester.is_active = False
    draft.requester.save(update_fields=["is_active"])
    with pytest.raises(Http404):
        evidence_for_viewer(user=draft.requester, pk=evidence.pk)
