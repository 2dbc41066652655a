"""Who may download or remove a document, in the authorisation matrix's own terms.

``DOCUMENT_URL_RULES`` and ``DOCUMENT_SAMPLE_KWARGS`` are the entries for
``MATRIX`` and ``SAMPLE_KWARGS`` in tests/web/test_url_authorization.py: the
matrix asks with a document id nobody owns, so every signed-in user is told
"not found". ``REAL_DOCUMENT_RULES`` says what happens with a real document
uploaded by one applicant ("applicant" there is another applicant).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.cases.models import Case
from haven.documents.models import Document
from tests.conftest import sign_in
from tests.documents import files
from tests.documents.conftest import make_draft_case, stored_files
from tests.web.test_url_authorization import (
    ACTORS,
    ANONYMOUS,
    DENIED,
    LOGIN,
    OK,
    only,
    outcome_of,
)
from tests.web.test_url_authorization import (
    signed_in as signed_in_rule,
)

pytestmark = pytest.mark.django_db

DOCUMENT_URL_RULES: dict[str, dict[str, str]] = {
    # A document id that exists nowhere: "not found" for everyone signed in.
    "documents:download": signed_in_rule(DENIED),
}
DOCUMENT_SAMPLE_KWARGS: dict[str, dict[str, str]] = {
    "documents:download": {"public_id": "6f1c3c0e-5b7a-4c55-9d7e-000000000000"},
}

OWNER = "owner"
# A draft's documents are its applicant's alone: officials open the documents of the cases
# they may open (``policy.VIEW``; tests/documents/test_views.py downloads them).
REAL_DOCUMENT_RULES: dict[str, dict[str, str]] = {
    "documents:download": {**only(), OWNER: OK},
}


def test_the_rules_name_every_actor() -> None:
    for rules in (DOCUMENT_URL_RULES, REAL_DOCUMENT_RULES):
        for name, rule in rules.items():
            assert set(ACTORS) <= set(rule), name
    assert set(DOCUMENT_URL_RULES) == set(REAL_DOCUMENT_RULES) == set(DOCUMENT_SAMPLE_KWARGS)


def test_every_documents_url_has_a_rule() -> None:
    from django.urls import URLPattern, URLResolver, get_resolver

    names = {
        f"documents:{pattern.name}"
        for resolver in get_resolver().url_patterns
        if isinstance(resolver, URLResolver) and resolver.namespace == "documents"
        for pattern in resolver.url_patterns
        if isinstance(pattern, URLPattern)
    }
    assert names == set(DOCUMENT_URL_RULES)


@pytest.fixture
def clients(make_user: Callable[..., User]) -> dict[str, Client]:
    clients = {ANONYMOUS: Client()}
    for role in Role:
        client = Client()
        sign_in(client, make_user(role))
        clients[role.value] = client
    return clients


def test_the_matrix_entries_hold(clients: dict[str, Client]) -> None:
    mismatches = []
    for name, rule in DOCUMENT_URL_RULES.items():
        url = reverse(name, kwargs=DOCUMENT_SAMPLE_KWARGS[name])
        for actor, expected in rule.items():
            actual = outcome_of(clients[actor].get(url))
            if actual != expected:
                mismatches.append(f"{name} as {actor}: expected {expected}, got {actual}")
    assert not mismatches, "\n".join(mismatches)


def test_a_real_document_answers_as_the_rules_say(
    clients: dict[str, Client], applicant: User, upload
) -> None:
    document = upload(files.png())
    owner = Client()
    sign_in(owner, applicant)
    clients = {**clients, OWNER: owner}
    mismatches = []
    for name, rule in REAL_DOCUMENT_RULES.items():
        url = reverse(name, args=[document.public_id])
        for actor, expected in rule.items():
            response = clients[actor].get(url)
            actual = outcome_of(response)
            b"".join(getattr(response, "streaming_content", ()))  # closes the file
            if actual != expected:
                mismatches.append(f"{name} as {actor}: expected {expected}, got {actual}")
    assert not mismatches, "\n".join(mismatches)
    viewers = set(
        AuditEvent.objects.filter(event_type=EventType.DOCUMENT_VIEWED).values_list(
            "actor_role", flat=True
        )
    )
    assert viewers == {"applicant"}


# Applicant B and applicant A's document


@pytest.fixture
def other_applicant(make_user: Callable[..., User]) -> tuple[Client, User]:
    user = make_user(Role.APPLICANT)
    make_draft_case(user)  # B has an application of their own
    client = Client()
    sign_in(client, user)
    return client, user


def test_another_applicant_cannot_download_it_and_nothing_is_recorded(
    upload, other_applicant: tuple[Client, User]
) -> None:
    document = upload(files.png())
    client, _user = other_applicant
    response = client.get(reverse("documents:download", args=[document.public_id]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(event_type=EventType.DOCUMENT_VIEWED).exists()


def test_another_applicant_cannot_remove_it_through_the_documents_page(
    upload, draft_case, other_applicant: tuple[Client, User], media_root: Path
) -> None:
    document = upload(files.png())
    client, _user = other_applicant
    response = client.post(
        reverse("cases:documents", args=[draft_case.public_id]),
        {"remove": str(document.public_id)},
    )
    assert response.status_code == 404
    document.refresh_from_db()
    assert document.removed_at is None
    assert stored_files(media_root) == [media_root / document.storage_name]
    assert not AuditEvent.objects.filter(event_type=EventType.DOCUMENT_REMOVED).exists()


def test_another_applicant_cannot_remove_it_by_posting_its_id_to_their_own_page(
    upload, other_applicant: tuple[Client, User], media_root: Path
) -> None:
    document = upload(files.png())
    client, user = other_applicant
    own_case = Case.objects.get(applicant=user)
    response = client.post(
        reverse("cases:documents", args=[own_case.public_id]),
        {"remove": str(document.public_id)},
    )
    assert response.status_code == 404
    assert Document.objects.get(pk=document.pk).removed_at is None
    assert stored_files(media_root) == [media_root / document.storage_name]


def test_anonymous_visitors_are_sent_to_sign_in(upload) -> None:
    document = upload(files.png())
    response = Client().get(reverse("documents:download", args=[document.public_id]))
    assert outcome_of(response) == LOGIN
