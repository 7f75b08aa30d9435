from typing import Any

from django.core.management.base import BaseCommand

from apps.core import clock
from apps.sla.services import clock_recompute
from apps.sla.sweep import clock_sweep


class Command(BaseCommand):
    help = "Recompute the stored deadlines of every open ticket, then run one clock sweep."

    def handle(self, *args: Any, **options: Any) -> None:
        now = clock.now()
        count = clock_recompute(now=now)
        result = clock_sweep(now=now)
        self.stdout.write(
            f"Recomputed {count} open tickets; the sweep moved {result.moved} of {result.due} due."
        )
