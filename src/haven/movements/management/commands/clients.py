"""``haven clients create | list | revoke``: border control's systems and their tokens."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from haven.movements.actions import integration_client_create, integration_client_revoke
from haven.movements.errors import MovementError
from haven.movements.selectors import integration_client_list


class Command(BaseCommand):
    help = "Create, list and revoke the clients that report border crossings (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = sub.add_parser("create", help="Create a client and print its token once.")
        create.add_argument("name", help="1-64 lower-case letters, digits and hyphens")
        sub.add_parser("list", help="List clients: name, token prefix, state, created.")
        revoke = sub.add_parser("revoke", help="Refuse a client's token from now on.")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                client, token = integration_client_create(name=options["name"])
                self.stdout.write(f"Created {client.name}. Its token, shown only this once:")
                self.stdout.write(token)
            elif action == "revoke":
                client = integration_client_revoke(name=options["name"])
                self.stdout.write(f"revoked: {client.name}")
            else:
                for client in integration_client_list():
                    state = "active" if client.is_active else "revoked"
                    created = timezone.localtime(client.created_at).strftime("%Y-%m-%d %H:%M")
                    self.stdout.write(f"{client.name}\t{client.token_prefix}…\t{state}\t{created}")
        except MovementError as error:
            raise CommandError(error.message, returncode=2) from None
