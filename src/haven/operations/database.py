"""The database's part of a backup, for each vendor Haven runs on.

Both vendors take the copy of the database and read what the manifest records
about it (the documents to copy, the audit chain's head, the counts) from one
snapshot, so they agree with each other whatever is written meanwhile:

- SQLite: a read transaction on Haven's own connection pins a snapshot (the
  database runs in WAL mode, so writers carry on); the ORM reads from it, and
  the online backup API copies the database through the same connection, so
  from the same snapshot.
- PostgreSQL: a REPEATABLE READ, READ ONLY transaction exports its snapshot
  (``pg_export_snapshot()``); the ORM reads inside it while ``pg_dump
  --snapshot`` dumps exactly what it sees.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess  # nosec B404
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from django.db import connection, transaction

from haven.operations.contents import haven_tables_holding_rows
from haven.operations.errors import OperationFailed

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# The database's file inside a backup, by vendor.
DATABASE_FILES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.dump"}
CLIENT_PACKAGE_HINT = (
    "install the PostgreSQL client tools of the server's major version "
    "(Debian/Ubuntu: postgresql-client)"
)
# The connection OPTIONS libpq also reads from the environment.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}

T = TypeVar("T")


def vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise OperationFailed(f"Haven backs up SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _require_no_transaction() -> None:
    if connection.in_atomic_block:
        raise OperationFailed("A backup takes its own snapshot; start it outside a transaction.")


def dump(target: Path, read: Callable[[], T]) -> T:
    """Copy the database to ``target`` and return ``read()``, both from one snapshot."""
    _require_no_transaction()
    if vendor() == SQLITE:
        return _dump_sqlite(target, read)
    return _dump_postgresql(target, read)


@contextmanager
def _sqlite_read_snapshot() -> Iterator[sqlite3.Connection]:
    connection.ensure_connection()
    raw = connection.connection
    # Django's connection is in autocommit mode here, so this transaction is the only one;
    # DEFERRED takes no write lock, and the first read fixes the snapshot.
    raw.execute("BEGIN DEFERRED")
    try:
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield raw
    finally:
        raw.execute("ROLLBACK")


def _dump_sqlite(target: Path, read: Callable[[], T]) -> T:
    with _sqlite_read_snapshot() as source:
        contents = read()
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            # One self-contained file, with no write-ahead log beside it.
            copy.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            copy.close()
    return contents


def _dump_postgresql(target: Path, read: Callable[[], T]) -> T:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        contents = read()
        _run_client(
            "pg_dump",
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={target}",
            f"--dbname={connection.settings_dict['NAME']}",
        )
    return contents


def restore(source: Path) -> None:
    """Load the database file of a backup into the configured database (checked empty)."""
    if vendor() == SQLITE:
        _restore_sqlite(source)
    else:
        _restore_postgresql(source)


def _restore_sqlite(source: Path) -> None:
    name = connection.settings_dict["NAME"]
    connection.close()
    # immutable: the backup's file is only read, and no lock or journal file is made beside it.
    original = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        restored = sqlite3.connect(name)
        try:
            original.backup(restored)
        finally:
            restored.close()
    finally:
        original.close()


def _restore_postgresql(source: Path) -> None:
    connection.close()
    _run_client(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={connection.settings_dict['NAME']}",
        str(source),
    )


def target_refusal() -> str | None:
    """Why the configured database cannot take a restore, or None when it can.

    SQLite: a missing file, or one whose Haven tables hold no rows (a fresh
    ``haven migrate``), since the backup replaces the whole file. PostgreSQL: a
    database with no tables at all (``createdb``), since ``pg_restore`` creates them.
    """
    name = str(connection.settings_dict["NAME"])
    if vendor() == SQLITE and not Path(name).exists():
        return None
    holding = haven_tables_holding_rows()
    if holding:
        return (
            f"The database {name} is not empty: {len(holding)} of Haven's tables hold rows "
            f"({', '.join(sorted(holding)[:5])}{', ...' if len(holding) > 5 else ''}). "
            "Restore only into a new, empty database."
        )
    if vendor() == POSTGRESQL and connection.introspection.table_names():
        return (
            f"The database {name} already has tables. pg_restore creates them: restore "
            "into a database with no tables (createdb NAME), then run haven migrate."
        )
    return None


def _run_client(program: str, *arguments: str) -> None:
    try:
        # pg_dump or pg_restore from PATH, with arguments Haven builds and no shell.
        finished = subprocess.run(  # noqa: S603  # nosec B603
            [program, "--no-password", *arguments],
            env=_libpq_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise OperationFailed(f"{program} is not installed: {CLIENT_PACKAGE_HINT}.") from None
    if finished.returncode != 0:
        message = finished.stderr.strip() or f"exit status {finished.returncode}"
        hint = f" ({CLIENT_PACKAGE_HINT})" if "version mismatch" in message else ""
        raise OperationFailed(f"{program} failed: {message}{hint}")


def _libpq_environment() -> dict[str, str]:
    """This process's environment with the configured database's connection settings."""
    settings_dict = connection.settings_dict
    environment = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in _LIBPQ_OPTIONS.items():
        if option in settings_dict.get("OPTIONS", {}):
            environment[variable] = str(settings_dict["OPTIONS"][option])
    return environment
