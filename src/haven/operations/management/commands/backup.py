"""``haven backup PATH``: the database, the documents and the audit chain's head, in a new folder.

Exit 0 with a short summary; 2 when PATH is not a new or empty folder (nothing
written); 1 when the backup fails (what was written is removed). See
docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.operations.backup import backup_create
from haven.operations.errors import OperationError


class Command(BaseCommand):
    help = (
        "Back up the database, the uploaded documents and the audit chain's head into PATH, "
        "a new or empty folder, with a manifest of SHA-256 sums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="a new or empty folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(target=Path(options["path"]))
        except OperationError as error:
            raise CommandError(error.message, returncode=error.exit_status) from None
        manifest = result.manifest
        counts = ", ".join(
            f"{count} {name.replace('_', ' ')}" for name, count in manifest.counts.items()
        )
        self.stdout.write(f"Backed up to {result.folder}:")
        self.stdout.write(
            f"  database ({manifest.database.vendor}): {manifest.database.file}, "
            f"{_size(manifest.database.size)}"
        )
        self.stdout.write(
            f"  documents: {len(manifest.documents)} files, {_size(result.document_bytes)}"
        )
        self.stdout.write(f"  audit chain head: {manifest.audit_head}")
        self.stdout.write(f"  rows: {counts}")


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MiB" if size >= 1_048_576 else f"{size / 1024:.1f} KiB"
