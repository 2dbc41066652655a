"""``haven rules simulate``: how outcomes would change under proposed amendments or draft law.

haven rules simulate --programme NAME [--amend "add:HU@2026-01-01"]
    [--amend "remove:US@2026-01-01"] [--assume-in-force] --synthetic N
    [--date YYYY-MM-DD] [--stage NAME] [--seed N] [--format json]
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from haven.cases.selectors import application_count, application_facts
from haven.rules.amendments import AmendmentError, parse_amend_option
from haven.rules.batch import compile_batch
from haven.rules.evaluate import RulesInputError
from haven.rules.management.commands.eligibility import iso_date
from haven.rules.programme import Programme
from haven.rules.selectors import ProgrammeNotFound, programme_get
from haven.rules.simulation import (
    LIST_PARAMETER,
    SimulationReport,
    amended,
    simulate,
    simulate_applications,
    synthetic_applicants,
)

MAX_SYNTHETIC = 50_000_000
TEXT_ROWS = 20


class Command(BaseCommand):
    help = "Simulate rule changes: outcomes under the rules as they stand and as amended."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = sub.add_parser("simulate", help=self.help)
        run.add_argument("--programme", required=True)
        run.add_argument(
            "--amend",
            action="append",
            default=[],
            metavar="add:CC@YYYY-MM-DD|remove:CC@YYYY-MM-DD",
            help="a state added to or removed from the programme's list from a date",
        )
        run.add_argument(
            "--assume-in-force",
            action="store_true",
            help="treat the programme as in force (for draft law or dates before its start)",
        )
        run.add_argument(
            "--synthetic",
            type=int,
            metavar="N",
            help="evaluate N synthetic applicants instead of the applications in the database",
        )
        run.add_argument(
            "--date",
            type=iso_date,
            help="evaluation date (default: today for synthetic applicants, "
            "each application's own date otherwise)",
        )
        run.add_argument("--stage", help="default: the programme's first stage")
        run.add_argument("--seed", type=int, default=2024)
        run.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["synthetic"]
        if count is not None and not 0 < count <= MAX_SYNTHETIC:
            raise CommandError(
                f"--synthetic must be between 1 and {MAX_SYNTHETIC:,}.", returncode=2
            )
        on_date: date = options["date"] or timezone.localdate()
        try:
            programme = programme_get(options["programme"])
            specs = [parse_amend_option(text) for text in options["amend"]]
            if specs and programme.eligibility not in LIST_PARAMETER:
                raise CommandError(f"{programme.id} has no list of states to amend.", returncode=2)
            proposed = amended(programme, specs)
            stage = options["stage"]
            if count is None:
                self._stored_applications(programme, proposed, options)
                return
            batch = compile_batch(
                programme, on_date, stage, assume_in_force=options["assume_in_force"]
            )
        except ProgrammeNotFound:
            raise CommandError(
                f"Unknown programme {options['programme']!r}.", returncode=2
            ) from None
        except (AmendmentError, RulesInputError) as error:
            raise CommandError(str(error), returncode=2) from None
        listed_param = LIST_PARAMETER.get(programme.eligibility)
        current = programme.value(listed_param, on_date) if listed_param else None
        applicants = synthetic_applicants(
            count, batch, current.value if current else [], seed=options["seed"]
        )
        with tqdm(
            total=count,
            unit="applicant",
            unit_scale=True,
            file=sys.stderr,
            disable=count < 2_000_000 or options["verbosity"] == 0,
            desc="Simulating",
        ) as bar:
            report = simulate(
                programme,
                proposed,
                applicants,
                on_date,
                stage,
                assume_in_force=options["assume_in_force"],
                progress=bar.update,
            )
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(self.as_json(report, on_date, options), ensure_ascii=False)
            )
        else:
            heading = (
                f"Programme {options['programme']} on {on_date.isoformat()}, "
                f"{report.total:,} synthetic applicants"
            )
            self.stdout.write(self.as_text(report, heading, options))

    def _stored_applications(
        self, programme: Programme, proposed: Programme, options: dict[str, Any]
    ) -> None:

        total = application_count(programme.id)
        with tqdm(
            total=total,
            unit="application",
            file=sys.stderr,
            disable=total < 20_000 or options["verbosity"] == 0,
            desc="Simulating",
        ) as bar:
            report = simulate_applications(
                programme,
                proposed,
                application_facts(programme.id),
                on_date=options["date"],
                assume_in_force=options["assume_in_force"],
                progress=bar.update,
            )
        label = options["date"].isoformat() if options["date"] else "each application's own date"
        if options["format"] == "json":
            document = self.as_json(report, options["date"] or timezone.localdate(), options)
            document["date"] = options["date"].isoformat() if options["date"] else None
            document["source"] = "applications"
            self.stdout.write(json.dumps(document, ensure_ascii=False))
        else:
            heading = (
                f"Programme {programme.id}, {report.total:,} applications in the database, "
                f"evaluated on {label}"
            )
            self.stdout.write(self.as_text(report, heading, options))

    @staticmethod
    def as_json(report: SimulationReport, on_date: date, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "programme": options["programme"],
            "date": on_date.isoformat(),
            "amendments": options["amend"],
            "assume_in_force": options["assume_in_force"],
            "source": "synthetic",
            "applicants": report.total,
            "changed": report.changed,
            "outcomes_before": dict(report.outcomes_before),
            "outcomes_after": dict(report.outcomes_after),
            "changes_by_nationality": [
                {"citizenships": held, "from": was, "to": now, "count": count}
                for (held, was, now), count in report.by_nationality.most_common()
            ],
            "changes_by_reason": [
                {"from": list(was), "to": list(now), "count": count}
                for (was, now), count in report.by_reason.most_common()
            ],
        }

    @staticmethod
    def as_text(report: SimulationReport, heading: str, options: dict[str, Any]) -> str:
        lines = [
            heading,
            f"Amendments: {', '.join(options['amend']) or 'none'}"
            + ("; programme assumed in force" if options["assume_in_force"] else ""),
            "",
            f"{'outcome':<14}{'as it stands':>14}{'as amended':>14}",
        ]
        for outcome in ("eligible", "ineligible", "undetermined"):
            lines.append(
                f"{outcome:<14}{report.outcomes_before[outcome]:>14,}"
                f"{report.outcomes_after[outcome]:>14,}"
            )
        share = report.changed / report.total if report.total else 0
        lines += ["", f"Outcomes that change: {report.changed:,} ({share:.2%})"]
        if report.by_nationality:
            lines += ["", "By citizenships held:"]
            shown = report.by_nationality.most_common(TEXT_ROWS)
            for (held, was, now), count in shown:
                lines.append(f"  {held:<9} {was} -> {now}: {count:,}")
            hidden = len(report.by_nationality) - len(shown)
            if hidden > 0:
                lines.append(f"  ... and {hidden} more (--format json lists all)")
        if report.by_reason:
            lines += ["", "By reason:"]
            for (reasons_was, reasons_now), count in report.by_reason.most_common():
                change = f"{' + '.join(reasons_was)} -> {' + '.join(reasons_now)}"
                lines.append(f"  {change}: {count:,}")
        return "\n".join(lines)
