"""``haven mrz check``: check a machine-readable zone from the command line (a stable contract).

    haven mrz check LINE1 LINE2 [--format json] [--date YYYY-MM-DD]

Exit 0 for a valid MRZ, 1 for an invalid one (the result still on stdout, a
one-line summary on stderr), 2 with the error on stderr for input that is not
an MRZ at all. Quote the lines: shells read ``<`` as a redirection.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from haven.people.mrz import CONTRACT_FIELDS, MrzResult, check_mrz, is_mrz_like
from haven.rules.management.commands.eligibility import iso_date


class Command(BaseCommand):
    help = "Check a machine-readable zone: ICAO 9303 TD3 passport, MRV-A or MRV-B visa."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = sub.add_parser("check", help="check the two lines of an MRZ and read its fields")
        check.add_argument("line1", metavar="LINE1")
        check.add_argument("line2", metavar="LINE2")
        check.add_argument("--format", choices=["json", "text"], default="text")
        check.add_argument(
            "--date",
            type=iso_date,
            help="the day two-digit years are read against (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        line1, line2 = options["line1"], options["line2"]
        if not is_mrz_like(line1, line2):
            raise CommandError(
                "This is not a machine-readable zone: expected two lines of 36 or 44 "
                "characters from A-Z, 0-9 and <.",
                returncode=2,
            )
        result = check_mrz(line1, line2, today=options["date"] or timezone.localdate())
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict()))
        else:
            self.stdout.write(self.summary(result))
        if not result.valid:
            # Exit 1 is the verdict "invalid", not a failure of the command: the
            # result is already on stdout, stderr only repeats the codes.
            raise CommandError(f"Invalid MRZ: {', '.join(result.codes())}.", returncode=1)

    def summary(self, result: MrzResult) -> str:
        verdict = "valid" if result.valid else "INVALID"
        lines = [f"MRZ: {result.type.value if result.type else 'unknown format'}, {verdict}", ""]
        fields = result.as_dict()["fields"]
        width = max(len(name) for name in CONTRACT_FIELDS)
        for name in CONTRACT_FIELDS:
            value = fields[name]
            lines.append(f"  {name.replace('_', ' ').capitalize():<{width}}  {value or '-'}")
        if result.fields.optional_data:
            label = "Optional data"
            lines.append(f"  {label:<{width}}  {result.fields.optional_data}")
        if result.errors:
            lines += ["", "Errors:"]
            lines += [f"  {error.field.value}: {error.code.value}" for error in result.errors]
        return "\n".join(lines)
