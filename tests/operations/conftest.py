"""Where a backup is restored to: a new database and media folder of the test's own.

``haven backup`` and ``haven restore`` run through the real executable, which sees
the test's rows only once committed: these tests use ``django_db(transaction=True)``.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case
from tests.cases.helpers import complete_draft
from tests.cli import database_url, environment_for_haven

_databases = itertools.count(1)


@dataclass(frozen=True)
class Installation:
    """A database and a media folder, and the environment that points ``haven`` at them."""

    env: dict[str, str]
    media: Path
    database: str  # SQLite: the file; PostgreSQL: the database's name

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one query on the installation's database, outside Django."""
        if connection.vendor == "sqlite":
            database = sqlite3.connect(f"{Path(self.database).as_uri()}?mode=ro", uri=True)
            try:
                return database.execute(sql).fetchall()
            finally:
                database.close()
        with _server(self.database) as server:
            return server.execute(sql).fetchall()

    def database_is_untouched(self) -> bool:
        """Nothing was created: no SQLite file, or a PostgreSQL database with no tables."""
        if connection.vendor == "sqlite":
            return not Path(self.database).exists()
        return not self.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")


def _server(name: str) -> psycopg.Connection[Any]:
    settings_dict = connection.settings_dict
    return psycopg.connect(
        host=settings_dict["HOST"] or "localhost",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        dbname=name,
        autocommit=True,
    )


@pytest.fixture
def original(media_root: Path, audit_head_file: Path) -> Installation:
    """The test's own database and media folder, as the executable sees them."""
    env = {
        **environment_for_haven(),
        "MEDIA_ROOT": str(media_root),
        "HAVEN_AUDIT_HEAD_FILE": str(audit_head_file),
    }
    return Installation(env, media_root, str(connection.settings_dict["NAME"]))


@pytest.fixture
def fresh(tmp_path: Path, audit_head_file: Path) -> Iterator[Installation]:
    """A new, empty database (SQLite: a file not made yet) and a missing media folder."""
    media = tmp_path / "restored-media"
    if connection.vendor == "sqlite":
        name = str(tmp_path / "restored.sqlite3")
    else:
        name = f"{connection.settings_dict['NAME']}_restored_{os.getpid()}_{next(_databases)}"
        with _server(str(connection.settings_dict["NAME"])) as server:
            server.execute(f'CREATE DATABASE "{name}"')
    env = {
        **environment_for_haven(),
        "DATABASE_URL": database_url(name),
        "MEDIA_ROOT": str(media),
        "HAVEN_AUDIT_HEAD_FILE": str(audit_head_file),
    }
    yield Installation(env, media, name)
    if connection.vendor != "sqlite":
        with _server(str(connection.settings_dict["NAME"])) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def case_with_documents(make_user: Callable[..., User]) -> Case:
    """One applicant's complete draft with two uploaded scans, made by the real actions."""
    return complete_draft(make_user(Role.APPLICANT))
