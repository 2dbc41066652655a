"""Idempotency keys in ``case_submit``: claimed, completed, released, expired, purged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case, IdempotencyKey, ReferenceCounter
from haven.casework import applicant_actions, idempotency
from haven.casework.idempotency import (
    ABANDONED_AFTER,
    idempotency_key_claim,
    idempotency_key_complete,
)
from haven.casework.tasks import daily_checks
from tests.cases.helpers import complete_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(make_user: Callable[..., User]) -> User:
    return make_user(Role.APPLICANT)


def clock(monkeypatch, delta: timedelta) -> None:
    """The keys' clock reads ``delta`` later from now on."""
    moment = timezone.now() + delta
    monkeypatch.setattr(idempotency, "timezone", SimpleNamespace(now=lambda: moment))


def test_the_key_is_scoped_to_its_applicant(make_user: Callable[..., User]) -> None:
    one, other = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    for applicant in (one, other):
        applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant), key="k")
    assert sorted(IdempotencyKey.objects.values_list("applicant_id", flat=True)) == sorted(
        [one.pk, other.pk]
    )
    assert len(set(IdempotencyKey.objects.values_list("key", flat=True))) == 2


def test_another_applicants_case_is_refused_before_the_key_is_claimed(
    applicant: User, make_user: Callable[..., User]
) -> None:
    stranger = make_user(Role.APPLICANT)
    case = complete_draft(applicant)
    with pytest.raises(CaseError) as refused:
        applicant_actions.case_submit(actor=stranger, case=case, key="k")
    assert refused.value.code == CaseErrorCode.NOT_PERMITTED
    assert not IdempotencyKey.objects.exists()
    assert Case.objects.get(pk=case.pk).status == "draft"


def test_a_claim_whose_request_died_is_taken_over(applicant: User, monkeypatch) -> None:
    dead, retried = complete_draft(applicant), complete_draft(applicant)
    idempotency_key_claim(applicant=applicant, key="k", case=dead)  # and nothing more
    with pytest.raises(CaseError) as refused:
        applicant_actions.case_submit(actor=applicant, case=retried, key="k")
    assert refused.value.code == CaseErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT
    clock(monkeypatch, ABANDONED_AFTER)
    submitted = applicant_actions.case_submit(actor=applicant, case=retried, key="k")
    assert submitted.status == "visa_submitted"
    assert IdempotencyKey.objects.get().case_id == retried.pk


def test_a_request_whose_claim_was_taken_over_does_not_succeed(
    applicant: User, monkeypatch
) -> None:
    slow, other = complete_draft(applicant), complete_draft(applicant)
    claim = idempotency_key_claim(applicant=applicant, key="k", case=slow)
    clock(monkeypatch, ABANDONED_AFTER)
    idempotency_key_claim(applicant=applicant, key="k", case=other)
    with pytest.raises(CaseError) as refused:
        idempotency_key_complete(claim)
    assert refused.value.code == CaseErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT


def test_the_slow_submission_is_undone_when_its_key_was_taken_over(
    applicant: User, monkeypatch
) -> None:
    slow, other = complete_draft(applicant), complete_draft(applicant)
    claim = idempotency_key_claim

    def claimed_then_overtaken(**kwargs):
        result = claim(**kwargs)
        clock(monkeypatch, ABANDONED_AFTER)
        claim(applicant=applicant, key="k", case=other)  # another request takes the key
        return result

    monkeypatch.setattr(applicant_actions, "idempotency_key_claim", claimed_then_overtaken)
    with pytest.raises(CaseError) as refused:
        applicant_actions.case_submit(actor=applicant, case=slow, key="k")
    assert refused.value.code == CaseErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT
    slow.refresh_from_db()
    assert (slow.status, slow.reference) == ("draft", None)
    assert not ReferenceCounter.objects.exists()
    assert IdempotencyKey.objects.get().case_id == other.pk


def test_the_daily_checks_delete_the_keys_that_no_longer_count(
    applicant: User, monkeypatch, settings
) -> None:
    settings.HAVEN_IDEMPOTENCY_KEY_HOURS = 24
    old, new = complete_draft(applicant), complete_draft(applicant)
    applicant_actions.case_submit(actor=applicant, case=old, key="old")
    clock(monkeypatch, timedelta(hours=20))
    applicant_actions.case_submit(actor=applicant, case=new, key="new")
    clock(monkeypatch, timedelta(hours=24))
    assert daily_checks.call()["idempotency_keys_deleted"] == 1
    assert list(IdempotencyKey.objects.values_list("case_id", flat=True)) == [new.pk]
