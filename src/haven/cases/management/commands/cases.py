"""``haven cases summary [--programme NAME] [--format json]``: how many cases, by what.

``haven cases policy [--write FILE]``: who may do what to a case, the policy
table as Markdown (``--write`` replaces the table in FILE, between its markers).

The JSON form is a stable contract: one object
``{"total", "by_status", "by_stage", "by_programme", "by_nationality"}``,
each ``by_`` a map from code to count. Every case counts, drafts and
withdrawn ones included; ``by_nationality`` counts each case once, under its
applicant's first citizenship (see ``haven.cases.selectors.case_summary``).
Exit 0 with the figures; 2 with the error on stderr for invalid input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.cases.policy import (
    POLICY_TABLE_END,
    POLICY_TABLE_START,
    policy_markdown,
    with_policy_table,
)
from haven.cases.selectors import CaseSummary, case_summary
from haven.rules.loader import load_programmes
from haven.rules.selectors import ProgrammeNotFound, programme_shipped


class Command(BaseCommand):
    help = "Figures about the cases in the database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        summary = sub.add_parser(
            "summary",
            help="Count every case (drafts too) by status, stage, programme and citizenship.",
        )
        summary.add_argument("--programme", help="only this programme's cases")
        summary.add_argument("--format", choices=["json", "text"], default="text")
        policy = sub.add_parser("policy", help="Who may do what to a case, as Markdown.")
        policy.add_argument(
            "--write", metavar="FILE", help="replace the table between its markers in FILE"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "policy":
            self.policy(options.get("write"))
            return
        programme_id = options.get("programme")
        if programme_id is not None:
            try:
                programme_shipped(programme_id)
            except ProgrammeNotFound:
                known = ", ".join(load_programmes())
                raise CommandError(
                    f"Unknown programme {programme_id!r}; known programmes: {known}.",
                    returncode=2,
                ) from None
        summary = case_summary(programme_id)
        if options["format"] == "json":
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(self.table(summary))

    def policy(self, path: str | None) -> None:
        if path is None:
            self.stdout.write(policy_markdown())
            return
        try:
            document = Path(path).read_text(encoding="utf-8")
            Path(path).write_text(with_policy_table(document), encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot rewrite {path}: {error}", returncode=2) from None
        except ValueError:
            raise CommandError(
                f"{path} has no policy table markers; add them where the table goes:\n"
                f"{POLICY_TABLE_START}\n{POLICY_TABLE_END}",
                returncode=2,
            ) from None

    def table(self, summary: CaseSummary) -> str:
        lines = [f"Cases: {summary.total}"]
        sections = (
            ("By status", summary.by_status),
            ("By stage", summary.by_stage),
            ("By programme", summary.by_programme),
            ("By first citizenship", summary.by_nationality),
        )
        for title, counts in sections:
            lines += ["", title]
            if not counts:
                lines.append("  (none)")
                continue
            width = max(len(code) for code in counts)
            digits = len(str(max(counts.values())))
            # Largest first; equal counts by code, so the order never changes between runs.
            for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
                lines.append(f"  {code:<{width}}  {count:>{digits}}")
        return "\n".join(lines)
