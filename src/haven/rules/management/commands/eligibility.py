"""``haven eligibility``: evaluate eligibility from the command line (a stable contract).

    haven eligibility --programme NAME [--stage NAME] --nationality CODE [...]
                      [--residence CODE] --date YYYY-MM-DD [--format json]

Exit 0 for any outcome; 2 with the error on stderr for invalid input.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from haven.rules.evaluate import Facts, RulesInputError, evaluate
from haven.rules.loader import load_programmes
from haven.rules.nationality import UnknownNationalityCode
from haven.rules.outcome import Evaluation
from haven.rules.selectors import (
    ProgrammeNotFound,
    amendments_recorded,
    programme_get,
    programme_shipped,
)


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date in the form YYYY-MM-DD") from None


iso_date.__name__ = "date"  # argparse names the type in its message


class Command(BaseCommand):
    help = "Evaluate eligibility for a programme on a date, with reasons and legal references."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True)
        parser.add_argument("--stage", help="defaults to the programme's first stage")
        parser.add_argument(
            "--nationality",
            action="append",
            default=[],
            help="ISO 3166 alpha-2/alpha-3 or ICAO 9303 code; repeat for several citizenships",
        )
        parser.add_argument("--residence", help="state of permanent residence")
        parser.add_argument("--date", required=True, type=iso_date)
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--language", default="en", help="language of the messages")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if amendments_recorded():
                programme = programme_get(options["programme"])
            else:
                self.stderr.write(
                    "Note: the database is not migrated yet (run 'haven migrate'), so the rules "
                    "are evaluated as shipped, without amendments recorded in Haven."
                )
                programme = programme_shipped(options["programme"])
            facts = Facts.from_codes(options["nationality"], options["residence"])
            result = evaluate(programme, facts, options["date"], options["stage"])
        except ProgrammeNotFound:
            known = ", ".join(load_programmes())
            raise CommandError(
                f"Unknown programme {options['programme']!r}; known programmes: {known}.",
                returncode=2,
            ) from None
        except (UnknownNationalityCode, RulesInputError) as error:
            raise CommandError(str(error), returncode=2) from None
        language = options["language"]
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(language), ensure_ascii=False))
        else:
            with translation.override(language):
                self.stdout.write(self.explain(result, programme.title, language))

    def explain(self, result: Evaluation, titles: dict[str, str], language: str) -> str:
        lines = [
            f"Programme: {titles.get(language, titles['en'])} ({result.programme})",
            f"Stage: {result.stage}",
            f"Date: {result.on_date.isoformat()}",
            f"Outcome: {result.outcome.value.upper()}",
            "",
            "Reasons:",
        ]
        for reason in result.reasons:
            lines.append(f"  {reason.code}: {reason.message(language)}")
            if reason.reference:
                lines.append(f"    Law: {reason.reference.citation()}")
        if result.parameters:
            lines += ["", "Parameters used:"]
            for use in result.parameters:
                value = use.value
                shown = (
                    ", ".join(sorted(value))
                    if isinstance(value, (frozenset, set, tuple, list))
                    else json.dumps(value, default=str, ensure_ascii=False)
                )
                lines.append(f"  {use.name} = {shown}")
                lines.append(
                    f"    in force from {use.valid_from.isoformat()}; {use.reference.citation()}"
                )
        return "\n".join(lines)
