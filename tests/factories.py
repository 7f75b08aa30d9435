"""factory_boy factories over the real models; policy rows come from the default policy set."""

from datetime import timedelta

import factory
from django.utils import timezone

from apps.accounts.models import AgentProfile, Team, User
from apps.complaints.models import Complaint
from apps.policy.models import ComplaintType, EvidenceTier, Platform
from apps.tickets.models import TicketSource, TicketStatus, WithdrawalTicket


def platform(code: str = "wechat") -> Platform:
    return Platform.objects.get(code=code)


def complaint_type(code: str = "infringement") -> ComplaintType:
    return ComplaintType.objects.get(code=code)


def tier(code: str = "base") -> EvidenceTier:
    return EvidenceTier.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("correct horse battery staple")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class AgentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentProfile

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    platform = factory.LazyFunction(platform)
    complaint_type = factory.LazyFunction(complaint_type)
    number = factory.Sequence(lambda n: f"WX{202611240000000000 + n}")
    complainant_name = "张伟"
    respondent = "某某数码专营店"
    filed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class TicketFactory(factory.django.DjangoModelFactory):
    """A submitted ticket for a fresh complaint; pass status=... for other states."""

    class Meta:
        model = WithdrawalTicket

    source = TicketSource.PORTAL
    complaint = factory.SubFactory(ComplaintFactory)
    platform = factory.SelfAttribute("complaint.platform")
    complaint_type = factory.SelfAttribute("complaint.complaint_type")
    complaint_filed_at = factory.SelfAttribute("complaint.filed_at")
    requester = factory.SubFactory(UserFactory)
    status = TicketStatus.RECEIVED
    submitted_at = factory.LazyFunction(timezone.now)
    received_at = factory.SelfAttribute("submitted_at")


class DraftFactory(TicketFactory):
    """A ticket whose intake is done up to submission: complaint confirmed, not yet submitted."""

    status = TicketStatus.DRAFT
    submitted_at = None
    received_at = None


class RequesterFactory(UserFactory):
    """A portal user: in the requester group, signed in by mobile number."""

    class Meta:
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"requester{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")

    @factory.post_generation
    def requester_group(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            from django.contrib.auth.models import Group

            from apps.accounts.roles import REQUESTER

            self.groups.add(Group.objects.get(name=REQUESTER))
