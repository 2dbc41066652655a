"""Reads of documents, always checked against who is asking."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from haven.accounts.models import User
from haven.cases.models import Case
from haven.cases.policy import may
from haven.cases.transitions import Action
from haven.documents.models import Document


def can_see_case_documents(user: User, case: Case) -> bool:
    """Whoever may read the case (``policy.VIEW``) may open its documents."""
    if not isinstance(user, User):
        return False
    return may(user, Action.VIEW, case)


def access_document(user: User, public_id_or_pk: uuid.UUID | str | int) -> Document:
    """The document, if ``user`` may open it; else ``Document.DoesNotExist``.

    Allowed: whoever may read the case (its applicant, and the officials who
    handle it now or decided an earlier stage). Missing, removed and forbidden documents get
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
