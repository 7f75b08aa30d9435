"""`manage.py rotate_field_keys`: re-encrypt personal data under the first CHEHUI_FIELD_KEYS key.

The procedure (docs/privacy-encryption.md): put the new key first in CHEHUI_FIELD_KEYS, keep the
old one after it, deploy, run this, then drop the old key. `--rehash` also recomputes the lookup
hashes after a CHEHUI_HASH_KEY change (keep the old one in CHEHUI_HASH_KEY_PREVIOUS meanwhile).
"""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.core.crypto.rotation import ROTATION_BATCH_SIZE, field_hashes_recompute, field_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column under the first key of CHEHUI_FIELD_KEYS, in batches; "
        "with --rehash, recompute the lookup hashes under CHEHUI_HASH_KEY too. Prints counts per column."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=ROTATION_BATCH_SIZE, help="Rows per batch.")
        parser.add_argument(
            "--rehash", action="store_true",
            help="Also recompute every keyed hash (after changing CHEHUI_HASH_KEY).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = max(1, options["batch_size"])
        for label, count in sorted(field_keys_rotate(batch_size=batch_size).items()):
            self.stdout.write(f"re-encrypted {label}: {count}")
        if not options["rehash"]:
            return
        if not settings.FIELD_HASH_KEY_PREVIOUS:
            self.stderr.write(
                "CHEHUI_HASH_KEY_PREVIOUS is not set: until this finishes, sign-in and search cannot "
                "find the rows still hashed under the old key."
            )
        for label, count in sorted(field_hashes_recompute(batch_size=batch_size).items()):
            self.stdout.write(f"rehashed {label}: {count}")
