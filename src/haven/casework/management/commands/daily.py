"""``haven daily [--date YYYY-MM-DD] [--enqueue]``: the daily checks, now or through the worker."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from haven.audit.heads import head_file
from haven.casework.tasks import AUDIT_CHAIN_PROBLEMS, daily_checks


class Command(BaseCommand):
    help = (
        "Expire unused visas, mark missed deadlines and report them to supervisors, send "
        "the due reminders, delete stored files left by interrupted uploads, and check the "
        "audit chain against its head recorded outside the database. Safe to run more than "
        "once a day; exits 1 when the audit chain fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="check as on this day, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the checks for `haven db_worker` instead of running them here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(
                f"{options['date']} is not a date (YYYY-MM-DD).", returncode=2
            ) from None
        if options["enqueue"]:
            result = daily_checks.enqueue(day.isoformat())
            self.stdout.write(f"Queued the daily checks for {day.isoformat()}: task {result.id}.")
            return
        summary = daily_checks.call(day.isoformat())
        self.stdout.write(f"Daily checks for {day.isoformat()}:")
        for name, count in summary.items():
            self.stdout.write(f"  {name.replace('_', ' ')}: {count}")
        if summary.get(AUDIT_CHAIN_PROBLEMS):
            raise CommandError(
                "The audit chain failed its check: see the log (haven.audit.heads). "
                f"The head file {head_file()} keeps the head recorded before.",
                returncode=1,
            )
