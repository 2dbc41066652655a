"""What a backup records about the database, read the same way when backing up and restoring."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.db.models import Model

from haven.accounts.models import User
from haven.audit.heads import Head
from haven.audit.models import GENESIS_HASH, AuditEvent
from haven.cases.models import Case
from haven.documents.models import Document
from haven.issuance.models import IssuedDocument
from haven.people.models import Person

# The tables whose rows a backup counts, by the name the manifest gives them.
COUNTED: dict[str, type[Model]] = {
    "cases": Case,
    "persons": Person,
    "documents": Document,
    "issued_documents": IssuedDocument,
    "audit_events": AuditEvent,
    "users": User,
}


@dataclass(frozen=True)
class StoredDocument:
    """A document whose file is kept (removed documents' files are deleted)."""

    public_id: str
    storage_name: str
    sha256: str


def table_counts() -> dict[str, int]:
    return {name: model._default_manager.count() for name, model in COUNTED.items()}


def stored_documents() -> list[StoredDocument]:
    rows = (
        Document.objects.filter(removed_at__isnull=True, storage_name__isnull=False)
        .order_by("pk")
        .values_list("public_id", "storage_name", "sha256")
    )
    return [
        StoredDocument(str(public_id), name, digest)
        for public_id, name, digest in rows
        if name is not None  # the filter's promise, for the type checker
    ]


def last_audit_head() -> Head:
    """The last event's sequence and hash, as ``haven audit head`` prints an intact chain's."""
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return Head(*last) if last else Head(0, GENESIS_HASH)


def haven_tables_holding_rows() -> list[str]:
    """The tables of Haven's own apps that exist in the database and hold a row."""
    existing = set(connection.introspection.table_names())
    return [
        model._meta.db_table
        for config in apps.get_app_configs()
        if config.name.startswith("haven.")
        for model in config.get_models()
        if model._meta.db_table in existing and model._default_manager.exists()
    ]
