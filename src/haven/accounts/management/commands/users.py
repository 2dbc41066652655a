"""``haven users create | grant | revoke | supervise | unsupervise``: officials' accounts, run by an operator."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.accounts.actions import user_create, user_grant_role, user_revoke_role
from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.errors import CaseError
from haven.cases.supervision import supervisor_add, supervisor_remove

ROLE_NAMES = [role.value for role in Role]


class Command(BaseCommand):
    help = "Create accounts and grant or revoke roles (each change is audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = sub.add_parser("create", help="Create an account with one or more roles.")
        create.add_argument("email")
        create.add_argument("--role", action="append", choices=ROLE_NAMES, required=True)
        create.add_argument("--full-name", default="")
        create.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        for verb in ("grant", "revoke"):
            action = sub.add_parser(verb, help=f"{verb.capitalize()} a role.")
            action.add_argument("email")
            action.add_argument("role", choices=ROLE_NAMES)
        supervise = sub.add_parser(
            "supervise", help="Send an official their authority's daily report of missed deadlines."
        )
        supervise.add_argument("email")
        unsupervise = sub.add_parser("unsupervise", help="Stop the daily report for an official.")
        unsupervise.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
            return
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError(f"No account has the email {options['email']}.", returncode=2)
        if action in ("supervise", "unsupervise"):
            self._supervise(user, action)
            return
        role = Role(options["role"])
        if action == "grant":
            user_grant_role(user=user, role=role)
        else:
            user_revoke_role(user=user, role=role)
        self.stdout.write(f"{action}: {role.value} for {user.email}")

    def _supervise(self, user: User, action: str) -> None:
        if action == "unsupervise":
            changed = supervisor_remove(user=user)
        else:
            try:
                changed = supervisor_add(user=user)
            except CaseError:
                raise CommandError(
                    f"{user.email} works no authority's queue: grant consular_officer or "
                    "migration_officer first.",
                    returncode=2,
                ) from None
        self.stdout.write(f"{action}: {user.email}" + ("" if changed else " (no change)"))

    def _create(self, options: dict[str, Any]) -> None:
        email = options["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"An account with the email {email} exists already.", returncode=2)
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
        try:
            user = user_create(
                email=email,
                password=password,
                roles=[Role(name) for name in options["role"]],
                full_name=options["full_name"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        self.stdout.write(f"Created {user.email} ({', '.join(options['role'])}).")
