"""Reads of evidence: a ticket's chain (which tiers it covers, what that is worth), one file for a viewer."""

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404

from apps.accounts.models import User
from apps.evidence.models import EvidenceFile
from apps.policy.models import EvidenceTier, PolicySettings
from apps.sla.aging import with_evidence
from apps.tickets.models import WithdrawalTicket
from apps.tickets.selectors import ticket_visible_to


@dataclass(frozen=True)
class TierCoverage:
    tier: EvidenceTier
    files: list[EvidenceFile]

    @property
    def present(self) -> bool:
        return bool(self.files)


@dataclass(frozen=True)
class ChainStatus:
    """Which tiers of the evidence chain a ticket covers, and how that moves its approval odds.

    The odds model is the clock's (apps.sla.aging.with_evidence): a complete chain multiplies the
    odds by the policy's multiplier, a partial one by the multiplier to the power of the share
    of tiers covered.
    """

    tiers: list[TierCoverage]
    complete_chain_multiplier: Decimal

    @property
    def present(self) -> list[EvidenceTier]:
        return [coverage.tier for coverage in self.tiers if coverage.present]

    @property
    def missing(self) -> list[EvidenceTier]:
        return [coverage.tier for coverage in self.tiers if not coverage.present]

    @property
    def complete(self) -> bool:
        return bool(self.tiers) and not self.missing

    @property
    def files(self) -> list[EvidenceFile]:
        return [file for coverage in self.tiers for file in coverage.files]

    @property
    def odds_multiplier(self) -> float:
        """What the chain as it stands multiplies the approval odds by (1.0 with no evidence)."""
        if not self.tiers:
            return 1.0
        return float(self.complete_chain_multiplier) ** (len(self.present) / len(self.tiers))

    def estimate(self, probability: float) -> float:
        """A success estimate without evidence, scaled by this chain."""
        return with_evidence(
            probability, len(self.present), len(self.tiers), float(self.complete_chain_multiplier)
        )

    def estimate_if_complete(self, probability: float) -> float:
        """The same estimate if every tier were covered: what completing the chain is worth."""
        return with_evidence(
            probability, len(self.tiers), len(self.tiers), float(self.complete_chain_multiplier)
        )


def evidence_chain_status(*, ticket: WithdrawalTicket) -> ChainStatus:
    """The ticket's files grouped by tier, in the policy's tier order (three queries)."""
    multiplier = PolicySettings.objects.values_list("complete_chain_odds_multiplier", flat=True).get()
    tiers = list(EvidenceTier.objects.all())
    files = list(
        EvidenceFile.objects.filter(ticket=ticket).select_related("document").order_by("uploaded_at", "pk")
    )
    by_tier: dict[int, list[EvidenceFile]] = {tier.pk: [] for tier in tiers}
    for file in files:
        by_tier.setdefault(file.tier_id, []).append(file)
    tier_by_id = {tier.pk: tier for tier in tiers}
    for file in files:
        file.tier = tier_by_id[file.tier_id]
    return ChainStatus(
        tiers=[TierCoverage(tier=tier, files=by_tier[tier.pk]) for tier in tiers],
        complete_chain_multiplier=multiplier,
    )


def evidence_for_viewer(*, user: User, pk: int) -> EvidenceFile:
    """Return the file if `user` may see its ticket; otherwise 404, never 403."""
    evidence = (
        EvidenceFile.objects.filter(pk=pk, ticket__in=ticket_visible_to(user=user))
        .select_related("ticket", "tier")
        .first()
    )
    if evidence is None:
        raise Http404("No such evidence file.")
    return evidence
