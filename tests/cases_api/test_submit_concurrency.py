"""Submissions with one Idempotency-Key at the same moment: one succeeds, never a 500.

Each request runs in a thread of its own, so with its own database
connection, as two requests to two server processes would. On SQLite the
IMMEDIATE transactions serialise the writers; on PostgreSQL the unique
index and the row locks do. Whoever comes second is told that the first is
still in flight (409) or, once it is done, that the key names another
application (422); a repeat for the same application gets it as submitted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.chain import verify_chain
from haven.cases.models import Case, IdempotencyKey, ReferenceCounter
from haven.casework import applicant_actions
from haven.casework.idempotency import idempotency_key_claim
from tests.cases.helpers import complete_draft
from tests.cases_api.conftest import BASE, detail_of
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 6
KEY = "one-click-6f1d"


def post_submit(client: Client, case: Case, key: str = KEY) -> Any:
    try:
        return client.post(f"{BASE}/{case.public_id}/submit", HTTP_IDEMPOTENCY_KEY=key)
    finally:
        connection.close()


def run_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Start every call together, each in its own thread; their answers (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[index] = calls[index]()
        except BaseException as error:  # pragma: no cover - reported by the assertions
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def statuses(results: list[Any]) -> list[Any]:
    return [getattr(result, "status_code", result) for result in results]


def test_drafts_submitted_at_once_with_one_key_give_one_submission(
    make_user: Callable[..., User], settings: Any
) -> None:
    settings.HAVEN_MAX_DRAFTS_PER_PROGRAMME = REQUESTS  # one applicant's drafts, all at once
    applicant = make_user(Role.APPLICANT)
    drafts = [complete_draft(applicant) for _ in range(REQUESTS)]
    clients = [signed_in_client(applicant) for _ in drafts]
    results = run_at_once(
        [partial(post_submit, client, draft) for client, draft in zip(clients, drafts, strict=True)]
    )
    codes = statuses(results)
    assert codes.count(200) == 1, codes
    assert set(codes) <= {200, 409, 422}, codes
    for result in results:
        if result.status_code != 200:
            (item,) = detail_of(result)
            assert item["type"] in {"idempotency_key_in_flight", "idempotency_key_reused"}
            assert item["loc"] == ["header", "Idempotency-Key"]
    winner = drafts[codes.index(200)]
    assert [case.pk for case in Case.objects.exclude(status="draft")] == [winner.pk]
    assert ReferenceCounter.objects.get().last == 1
    key = IdempotencyKey.objects.get()
    assert (key.case_id, key.completed_at is not None) == (winner.pk, True)
    assert verify_chain().intact


def test_one_draft_submitted_at_once_with_one_key_gets_one_reference(
    make_user: Callable[..., User],
) -> None:
    applicant = make_user(Role.APPLICANT)
    draft = complete_draft(applicant)
    clients = [signed_in_client(applicant) for _ in range(REQUESTS)]
    results = run_at_once([partial(post_submit, client, draft) for client in clients])
    codes = statuses(results)
    assert set(codes) <= {200, 409}, codes
    assert 200 in codes
    draft.refresh_from_db()
    assert {r.json()["reference"] for r in results if r.status_code == 200} == {draft.reference}
    assert ReferenceCounter.objects.get().last == 1


@pytest.fixture
def held_after_claiming(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """The first request to claim a key stops there until told to go on."""
    claimed, go_on = threading.Event(), threading.Event()
    claim = idempotency_key_claim

    def claim_and_wait(**kwargs: Any) -> Any:
        result = claim(**kwargs)
        if not claimed.is_set():
            claimed.set()
            assert go_on.wait(timeout=60)
        return result

    monkeypatch.setattr(applicant_actions, "idempotency_key_claim", claim_and_wait)
    return claimed, go_on


def test_while_the_first_request_is_in_flight_the_key_is_a_409(
    make_user: Callable[..., User], held_after_claiming
) -> None:
    claimed, go_on = held_after_claiming
    applicant = make_user(Role.APPLICANT)
    first, second = complete_draft(applicant), complete_draft(applicant)
    answers: dict[str, Any] = {}
    thread = threading.Thread(
        target=lambda: answers.update(first=post_submit(signed_in_client(applicant), first))
    )
    thread.start()
    try:
        assert claimed.wait(timeout=60)
        client = signed_in_client(applicant)
        for case in (second, first):  # another application, and a retry of the same
            response = client.post(f"{BASE}/{case.public_id}/submit", HTTP_IDEMPOTENCY_KEY=KEY)
            assert response.status_code == 409
            assert detail_of(response) == [
                {
                    "type": "idempotency_key_in_flight",
                    "loc": ["header", "Idempotency-Key"],
                    "msg": (
                        "A request with this Idempotency-Key is still being processed. "
                        "Nothing was changed; send it again in a moment."
                    ),
                }
            ]
        assert (Case.objects.get(pk=second.pk).status, Case.objects.get(pk=first.pk).status) == (
            "draft",
            "draft",
        )
    finally:
        go_on.set()
        thread.join(timeout=60)
    assert answers["first"].status_code == 200
    # Once it is done: the same request gets the application, another one a 422.
    client = signed_in_client(applicant)
    again = client.post(f"{BASE}/{first.public_id}/submit", HTTP_IDEMPOTENCY_KEY=KEY)
    assert (again.status_code, again.json()) == (200, answers["first"].json())
    other = client.post(f"{BASE}/{second.public_id}/submit", HTTP_IDEMPOTENCY_KEY=KEY)
    assert other.status_code == 422
    assert Case.objects.get(pk=second.pk).status == "draft"
