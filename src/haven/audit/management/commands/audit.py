"""``haven audit verify | head | lockdown``: check and protect the audit chain."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from haven.audit.chain import verify_chain
from haven.audit.heads import chain_contains, parse_head
from haven.audit.models import AuditEvent

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class Command(BaseCommand):
    help = "Verify the audit chain, print its head, or restrict the table on PostgreSQL."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = sub.add_parser(
            "verify", help="Walk the whole chain; exit 1 naming the first bad event."
        )
        verify.add_argument(
            "--expect-head",
            metavar="SEQUENCE:HASH",
            help="A head recorded earlier (by 'haven audit head'); fails if it is gone, "
            "which reveals events cut from the end of the chain.",
        )
        sub.add_parser("head", help="Print the last event's sequence and hash, to keep elsewhere.")
        lockdown = sub.add_parser(
            "lockdown",
            help="PostgreSQL: leave ROLE only SELECT and INSERT on the audit table.",
        )
        lockdown.add_argument("--role", required=True, help="the application's database role")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            self._verify(options.get("expect_head"))
        elif action == "head":
            result = verify_chain()
            self.stdout.write(f"{result.head_sequence}:{result.head_hash}")
        else:
            self._lockdown(options["role"])

    def _verify(self, expect_head: str | None) -> None:
        result = verify_chain()
        if result.first_break is not None:
            bad = result.first_break
            raise CommandError(
                f"Audit chain broken at event {bad.sequence} (id {bad.event_id}, "
                f"{bad.event_type}, {bad.occurred_at.isoformat()}): {bad.problem}. "
                f"{result.checked} events before it are intact.",
                returncode=1,
            )
        if expect_head:
            try:
                head = parse_head(expect_head)
            except ValueError:
                raise CommandError(
                    "--expect-head must look like SEQUENCE:HASH.", returncode=2
                ) from None
            if not chain_contains(head):
                raise CommandError(
                    f"Audit chain does not contain the expected head {head.sequence}: "
                    "events were removed from its end or rewritten.",
                    returncode=1,
                )
        self.stdout.write(
            f"Audit chain intact: {result.checked} events, "
            f"head {result.head_sequence}:{result.head_hash}"
        )

    def _lockdown(self, role: str) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("lockdown applies to PostgreSQL only.", returncode=2)
        if not _ROLE_NAME.match(role):
            raise CommandError(f"{role!r} is not a valid role name.", returncode=2)
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        quoted_role = connection.ops.quote_name(role)
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE ALL ON {table} FROM {quoted_role}")
            cursor.execute(f"GRANT SELECT, INSERT ON {table} TO {quoted_role}")
            # The id sequence behind INSERT.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [AuditEvent._meta.db_table])
            (sequence_name,) = cursor.fetchone()
            if sequence_name:
                cursor.execute(f"GRANT USAGE ON SEQUENCE {sequence_name} TO {quoted_role}")
        self.stdout.write(f"Role {role} may now only SELECT and INSERT on {table}.")
