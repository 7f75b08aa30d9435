"""`manage.py restore ARCHIVE`: load an archive into an empty database and an empty evidence storage."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.backups.services import backup_restore
from apps.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and evidence storage, checking every file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The archive folder written by `manage.py backup`.")
        parser.add_argument("--database", default="default", help="The DATABASES alias to restore into.")
        parser.add_argument(
            "--force", action="store_true",
            help="Replace the tables and files already there instead of refusing a non-empty target.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(
                archive=options["archive"], database=settings.DATABASES[options["database"]],
                force=options["force"],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        counts = ", ".join(f"{label} {count}" for label, count in report.row_counts.items())
        self.stdout.write(f"restored {report.files} files ({report.bytes} bytes); {counts}")
