"""`manage.py demo_complaint`: a fresh complaint for the demo requester to cancel in the cooling-off lane."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from apps.accounts.models import User
from apps.core import clock
from apps.core.demo.fresh import demo_complaint_file
from apps.core.demo.seed import DEMO_REQUESTER_PHONE
from apps.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "File a fresh low-risk complaint for the demo requester (or --username), to try the cooling-off "
        "lane; prints the complaint number and the phone number to sign in with. Needs DEMO_TOOLS."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--username", default="requester", help="Whose complaint (default: the demo requester)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_TOOLS:
            raise CommandError(
                "Demo tools are off (DEMO_TOOLS): this command files a complaint that does not exist on "
                "any platform. Turn them on with CHEHUI_DEMO_TOOLS=1 on a demo or development machine only."
            )
        requester = User.objects.filter(username=options["username"]).first()
        if requester is None:
            raise CommandError(f"No user {options['username']!r}: run `manage.py seed_demo` first.")
        try:
            fresh = demo_complaint_file(requester=requester, now=clock.now())
        except ApplicationError as error:
            raise CommandError(error.message) from error
        complaint = fresh.complaint
        phone = requester.phone or DEMO_REQUESTER_PHONE
        self.stdout.write(
            self.style.SUCCESS(f"Filed complaint {complaint.number} on {complaint.platform.name}.")
        )
        self.stdout.write(f"Complaint number: {complaint.number}")
        self.stdout.write(f"Phone to sign in with: {phone} (the SMS code appears in the server console)")
        self.stdout.write(
            f"Cancel it at {reverse('portal:cool_off')} before {fresh.cancel_until:%H:%M} "
            f"({complaint.complaint_type.name}, the cooling-off lane)."
        )
