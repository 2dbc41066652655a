"""``haven demo load | totp EMAIL``: demo accounts and their current second-factor codes."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.demo.accounts import (
    DEMO_COLLEAGUES,
    DEMO_PASSWORD,
    current_totp_code,
    demo_email,
    load_demo_accounts,
)
from haven.demo.cases import applicant_email, load_demo_cases


def case_count(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a whole number of cases")
    return int(text)


case_count.__name__ = "number of cases"  # argparse names the type in its message


class Command(BaseCommand):
    help = "Demo data (HAVEN_ENV=demo only): load it, or print a demo user's current TOTP code."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = sub.add_parser(
            "load", help="Create the demo accounts and cases (what exists is kept)."
        )
        load.add_argument(
            "--cases",
            type=case_count,
            default=500,
            metavar="N",
            help="how many demo applications of 'shared values' to have (default 500; 0: none)",
        )
        totp = sub.add_parser("totp", help="Print a demo official's current TOTP code.")
        totp.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError(
                f"Demo data exists only with HAVEN_ENV=demo (this is {settings.HAVEN_ENV}).",
                returncode=2,
            )
        if options["action"] == "load":
            self._load(options["cases"])
        else:
            self._totp(options["email"])

    def _load(self, cases: int) -> None:
        accounts = load_demo_accounts()
        created = sum(account.created for account in accounts)
        self.stdout.write(f"Demo accounts: {created} created, {len(accounts) - created} kept.")
        self.stdout.write("")
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        width = max(len(account.email) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.email:<{width}}  {account.role.label}")
        self.stdout.write("")
        if cases:
            loaded = load_demo_cases(cases)
            self.stdout.write(
                f"Demo cases (shared-values): {loaded.created} created, {loaded.kept} kept, "
                f"in {loaded.seconds:.1f} s."
            )
            self.stdout.write(
                f"  Their applicants, with the same password: {applicant_email(1)} "
                f"to {applicant_email(cases)}."
            )
            self.stdout.write("  More officials to assign cases to, with the same password:")
            for role, number, _full_name in DEMO_COLLEAGUES:
                self.stdout.write(f"  {demo_email(role, number):<{width}}  {role.label}")
            self.stdout.write("")
        self.stdout.write(
            "Officials sign in with a second factor: "
            "run `HAVEN_ENV=demo .venv/bin/haven demo totp EMAIL` for the current code."
        )

    def _totp(self, email: str) -> None:
        try:
            code, seconds = current_totp_code(email)
        except Authenticator.DoesNotExist:
            raise CommandError(
                f"{email} has no authenticator; demo officials do, applicants do not.",
                returncode=2,
            ) from None
        self.stdout.write(code)
        self.stderr.write(f"valid for {seconds} more seconds")
