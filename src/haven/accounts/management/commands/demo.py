"""``haven demo load | totp EMAIL``: demo accounts and their current second-factor codes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.accounts.demo import DEMO_PASSWORD, current_totp_code, load_demo_accounts


class Command(BaseCommand):
    help = "Demo data (HAVEN_ENV=demo only): load it, or print a demo user's current TOTP code."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("load", help="Create the demo accounts (kept if they exist).")
        totp = sub.add_parser("totp", help="Print a demo official's current TOTP code.")
        totp.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError(
                f"Demo data exists only with HAVEN_ENV=demo (this is {settings.HAVEN_ENV}).",
                returncode=2,
            )
        if options["action"] == "load":
            self._load()
        else:
            self._totp(options["email"])

    def _load(self) -> None:
        accounts = load_demo_accounts()
        created = sum(account.created for account in accounts)
        self.stdout.write(f"Demo accounts: {created} created, {len(accounts) - created} kept.")
        self.stdout.write("")
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        width = max(len(account.email) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.email:<{width}}  {account.role.label}")
        self.stdout.write("")
        self.stdout.write(
            "Officials sign in with a second factor: "
            "run `HAVEN_ENV=demo .venv/bin/haven demo totp EMAIL` for the current code."
        )

    def _totp(self, email: str) -> None:
        from allauth.mfa.models import Authenticator

        try:
            code, seconds = current_totp_code(email)
        except Authenticator.DoesNotExist:
            raise CommandError(
                f"{email} has no authenticator; demo officials do, applicants do not.",
                returncode=2,
            ) from None
        self.stdout.write(code)
        self.stderr.write(f"valid for {seconds} more seconds")
