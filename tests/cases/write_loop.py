"""A server that forks writers on demand, the way a pre-loading server forks its workers.

Not a test: ``test_writes_killed.py`` runs it and kills its writers with SIGKILL at
random moments. Run with the test's HAVEN_ENV, DATABASE_URL and MEDIA_ROOT as
``python write_loop.py``. It sets Django up once and prints ``ready``; then, for each
command it reads on stdin, it forks a writer, prints ``started PID``, waits for the
writer to end and prints ``ended EXIT_CODE`` (-9 once killed). The commands:

- ``submit APPLICANT_ID``: the writer makes a complete draft through the applicant's
  actions (uploads included) and submits it with ``case_submit``, again and again,
  printing ``submitted CASE_ID`` after each submission committed;
- ``movements TOKEN PREFIX [VISA_NUMBER...]``: the writer posts crossings to
  ``POST /api/v1/movements`` with the client's token as border control does, an entry
  with each visa number first, then exits with unknown numbers, printing ``recorded
  EVENT_ID`` after each 201.

A writer stops by itself after ``WRITES`` writes. The server ends at the end of stdin.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import django

WRITES = 2_000


def say(line: str) -> None:
    # One write of a short line: a kill cannot cut it in half.
    os.write(sys.stdout.fileno(), f"{line}\n".encode())


def submit(applicant_id: int) -> None:
    from haven.accounts.models import User
    from haven.casework.applicant_actions import case_submit
    from tests.cases.helpers import complete_draft

    applicant = User.objects.get(pk=applicant_id)
    for _ in range(WRITES):
        case = case_submit(actor=applicant, case=complete_draft(applicant))
        say(f"submitted {case.pk}")


def post_movements(token: str, prefix: str, visas: list[str]) -> None:
    from django.test import Client
    from django.utils import timezone

    client = Client()
    for number in range(WRITES):
        event_id = f"{prefix}-{number:06d}"
        entry = number < len(visas)
        body = {
            "event_id": event_id,
            "kind": "entry" if entry else "exit",
            "occurred_at": timezone.localtime().isoformat(),
            "document_number": visas[number] if entry else f"X{prefix[-6:]}{number:06d}",
            "border_point": "Svetogorsk",
        }
        response = client.post(
            "/api/v1/movements",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        if response.status_code != 201:
            raise RuntimeError(f"{event_id}: {response.status_code} {response.content[:500]!r}")
        say(f"recorded {event_id}")


def write(command: list[str]) -> None:
    if command[0] == "submit":
        submit(int(command[1]))
    elif command[0] == "movements":
        post_movements(command[1], command[2], command[3:])
    else:
        raise ValueError(f"unknown command {command!r}")


def main() -> None:
    # The repository's root, for the tests' helpers that make a complete draft.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    django.setup()
    from django.db import connections
    from django.urls import resolve

    from haven.rules.selectors import programme_get

    # Loaded before the first writer, so the kills land among writes, not imports.
    resolve("/api/v1/movements")
    programme_get("shared-values")
    import tests.cases.helpers  # noqa: F401

    say("ready")
    for line in sys.stdin:
        # A writer opens connections of its own: a connection is never shared across a fork.
        connections.close_all()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                write(line.split())
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        say(f"started {pid}")
        _pid, status = os.waitpid(pid, 0)
        say(f"ended {os.waitstatus_to_exitcode(status)}")


if __name__ == "__main__":
    main()
