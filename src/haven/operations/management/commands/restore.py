"""``haven restore PATH``: a backup made by ``haven backup``, into an empty database and media folder.

Exit 0 once the restored copy is checked ("Restored: ..." with the counts and the
audit chain's head); 2 when the database or MEDIA_ROOT is not empty, or PATH is
not a folder (nothing changed); 1 when the backup does not match its manifest
(nothing changed) or the restored copy does not match the backup. See
docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.operations.errors import OperationError
from haven.operations.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by 'haven backup' into an empty database and an empty or "
        "missing MEDIA_ROOT, after checking it against its manifest; check the copy after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="the backup's folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(source=Path(options["path"]))
        except OperationError as error:
            raise CommandError(error.message, returncode=error.exit_status) from None
        counts = ", ".join(
            f"{count} {name.replace('_', ' ')}" for name, count in result.counts.items()
        )
        self.stdout.write(
            f"Restored: {counts}; audit chain intact, head {result.head}; "
            f"{len(result.manifest.documents)} document files checked."
        )
