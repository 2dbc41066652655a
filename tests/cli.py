"""Runs of the real ``haven`` executable, the way operators and outside checks call it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from django.db import connection

HAVEN = str(Path(sys.executable).with_name("haven"))
TIMEOUT_SECONDS = 60


def database_url(name: str | None = None) -> str:
    """The database the running test uses, as a DATABASE_URL for another process.

    With ``name``: another database (SQLite: file) on the same server.
    """
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name or settings_dict['NAME']}"
    return (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
        f"{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}/"
        f"{name or settings_dict['NAME']}"
    )


def environment_for_haven() -> dict[str, str]:
    """This process's environment, with HAVEN_ENV=test and the running test's database.

    For another process running Haven code (the ``haven`` executable, a script): it
    sees the test's rows only when they are committed, so such tests use
    ``django_db(transaction=True)``.
    """
    return {**os.environ, "HAVEN_ENV": "test", "DATABASE_URL": database_url()}


def run_haven(
    *args: str, input: str | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``haven ARGS`` and return what it printed and its exit status; never raises on it.

    By default the command runs with HAVEN_ENV=test against the running test's
    database, so it sees the test's rows only when they are committed: such tests
    use ``django_db(transaction=True)``. With ``env``, the command runs with those
    variables over this process's environment stripped of DATABASE_URL and
    SECRET_KEY: another profile, a database of the test's own, or none.
    """
    if env is None:
        environment = environment_for_haven()
    else:
        clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
        environment = {**clean, **env}
    return subprocess.run(
        [HAVEN, *args],
        input=input,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT_SECONDS,
    )
