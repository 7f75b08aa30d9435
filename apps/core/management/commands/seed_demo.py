"""`manage.py seed_demo`: demo users and a few hundred complaints and tickets, once."""

import random
import secrets
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core import clock
from apps.core.demo import CREDENTIALS_FILE_NAME, demo_credentials_write, demo_seed
from apps.core.demo.seed import DEMO_REQUESTER_PHONE
from apps.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create demo users (requester, agent, supervisor and more agents) and demo complaints and tickets."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--complaints", type=int, default=300, help="How many complaints (default 300).")
        parser.add_argument(
            "--seed", type=int, default=None, help="Seed of the random generator, to repeat a run."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["complaints"] < 1:
            raise CommandError("--complaints must be at least 1.")
        seed = options["seed"] if options["seed"] is not None else secrets.randbelow(1_000_000)
        started = time.monotonic()
        try:
            result = demo_seed(now=clock.now(), complaints=options["complaints"], rng=random.Random(seed))
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if not result.created:
            self.stdout.write(
                "The demo data is already there (the demo users exist): nothing was created. "
                f"Their passwords are in {settings.VAR_DIR / CREDENTIALS_FILE_NAME}."
            )
            return
        path = demo_credentials_write(credentials=result.credentials, directory=settings.VAR_DIR)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Created {result.complaints} complaints, {result.tickets} tickets and {result.events} events "
            f"in {elapsed:.1f} s (seed {seed})."
        ))
        by_status = ", ".join(f"{status} {count}" for status, count in result.tickets_by_status.items())
        self.stdout.write(f"Tickets by status: {by_status}")
        self.stdout.write(f"\nSign in with these passwords (shown once; also kept in {path}):")
        self.stdout.write(
            "  agents: /workspace/; supervisors: /workspace/, /dashboard/ and /admin/;\n"
            "  admin: the same, and integrations and API keys at /admin/integrations/;\n"
            "  the requester: /account/sign-in/ with "
            f"{DEMO_REQUESTER_PHONE} (the SMS code appears in the server console)"
        )
        for credential in result.credentials:
            self.stdout.write(
                f"  {credential.role:<11} {credential.username:<16} {credential.password:<14} "
                f"{credential.display_name}"
            )
