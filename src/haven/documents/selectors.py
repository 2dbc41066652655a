"""Reads of documents, always checked against who is asking."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from haven.cases.models import Case
from haven.documents.models import Document

# Officials who work cases may open their documents.
OFFICIAL_PERMISSIONS = ("accounts.work_consular_queue", "accounts.work_migration_queue")


def can_see_case_documents(user: Any, case: Case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if case.applicant_id == user.pk:
        return True
    return any(user.has_perm(permission) for permission in OFFICIAL_PERMISSIONS)


def access_document(user: Any, public_id_or_pk: uuid.UUID | str | int) -> Document:
    """The document, if ``user`` may open it; else ``Document.DoesNotExist``.

    Allowed: the applicant who owns the case, and officials who work the
    consular or migration queue. Missing, removed and forbidden documents get
    the same answer, so nobody learns which documents exist.
    """
    if isinstance(public_id_or_pk, int):
        lookup: dict[str, Any] = {"pk": public_id_or_pk}
    else:
        try:
            lookup = {"public_id": uuid.UUID(str(public_id_or_pk))}
        except ValueError as error:
            raise Document.DoesNotExist from error
    document = (
        Document.objects.select_related("case").filter(removed_at__isnull=True, **lookup).first()
    )
    if document is None or not can_see_case_documents(user, document.case):
        raise Document.DoesNotExist
    return document


def document_list_for_case(case: Case) -> QuerySet[Document]:
    """The case's documents that have not been removed, oldest first.

    The caller has already checked that the reader may see ``case``.
    """
    return Document.objects.filter(case=case, removed_at__isnull=True).order_by("received_at", "pk")


def uploaded_kinds(case: Case) -> set[str]:
    """The kinds of document the case holds now (removed ones do not count)."""
    return set(document_list_for_case(case).values_list("kind", flat=True))
