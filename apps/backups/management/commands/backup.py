"""`manage.py backup DEST`: write an archive of the database and the evidence storage under DEST.

`manage.py backup --verify ARCHIVE` checks an archive against its manifest instead.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.backups.manifest import Manifest
from apps.backups.services import backup_create, backup_verify
from apps.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Back up the database and every evidence file its rows refer to into one archive folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "destination", type=Path, nargs="?", help="Folder under which the archive folder is made."
        )
        parser.add_argument("--database", default="default", help="The DATABASES alias to back up.")
        parser.add_argument(
            "--verify", metavar="ARCHIVE", type=Path,
            help="Instead of backing up, check an existing archive against its manifest.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verify"]:
                manifest = backup_verify(archive=options["verify"])
                self._summary(options["verify"], manifest, "verified")
                return
            if options["destination"] is None:
                raise CommandError("Give the folder to write the backup under, or --verify ARCHIVE.")
            archive = backup_create(
                destination=options["destination"], database=settings.DATABASES[options["database"]]
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self._summary(archive, Manifest.read(archive), "written")

    def _summary(self, archive: Path, manifest: Manifest, done: str) -> None:
        size = sum(entry.size for entry in manifest.files)
        counts = ", ".join(f"{label} {count}" for label, count in manifest.row_counts.items())
        self.stdout.write(f"{archive}: {done}; {len(manifest.files)} files ({size} bytes); {counts}")
