"""``haven issued list [--kind visa|trp|residence_permit] [--format json|text]``.

The issued documents, ordered by issue date then number. JSON: a list of
objects with ``number``, ``kind``, ``case`` (the case's reference),
``issued_on``, ``valid_from``, ``valid_until`` (ISO dates), ``entries`` (a
visa's number of entries; null for permits) and, for visas only, ``mrz`` (the
two lines of the machine-readable zone).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from haven.issuance.models import IssuedDocument
from haven.issuance.selectors import issued_list_for_export

TEXT_COLUMNS = ("number", "kind", "case", "issued_on", "valid_from", "valid_until", "entries")


def document_row(document: IssuedDocument) -> dict[str, Any]:
    row: dict[str, Any] = {
        "number": document.number,
        "kind": document.kind,
        "case": document.case.reference,
        "issued_on": document.issued_on.isoformat(),
        "valid_from": document.valid_from.isoformat(),
        "valid_until": document.valid_until.isoformat(),
        "entries": document.entries if document.kind == IssuedDocument.Kind.VISA else None,
    }
    if document.kind == IssuedDocument.Kind.VISA:
        row["mrz"] = [document.mrz_line1, document.mrz_line2]
    return row


class Command(BaseCommand):
    help = "List issued visas and permits."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = sub.add_parser(
            "list", help="Issued documents by issue date then number (all kinds by default)."
        )
        listing.add_argument("--kind", choices=IssuedDocument.Kind.values)
        listing.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [document_row(document) for document in issued_list_for_export(options["kind"])]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self._table(rows)

    def _table(self, rows: list[dict[str, Any]]) -> None:
        cells = [
            [("" if row[column] is None else str(row[column])) for column in TEXT_COLUMNS]
            for row in rows
        ]
        widths = [
            max([len(column), *(len(line[index]) for line in cells)])
            for index, column in enumerate(TEXT_COLUMNS)
        ]
        self.stdout.write("  ".join(c.ljust(w) for c, w in zip(TEXT_COLUMNS, widths, strict=True)))
        for line in cells:
            self.stdout.write(
                "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            )
        self.stdout.write(f"{len(rows)} document{'s' if len(rows) != 1 else ''}")
