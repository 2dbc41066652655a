"""The applicant's actions: start, fill in, sign, submit exactly once, withdraw."""

from __future__ import annotations

import re
import threading

import pytest
from django.core import mail
from django.db import connection

from haven.accounts.roles import Role
from haven.audit.chain import verify_chain
from haven.audit.models import AuditEvent, EventType
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case, CaseEventType
from haven.casework import applicant_actions
from haven.people.models import Person
from tests.cases.helpers import complete_draft

pytestmark = pytest.mark.django_db


def test_a_draft_programme_cannot_be_applied_to(make_user) -> None:
    applicant = make_user(Role.APPLICANT)
    with pytest.raises(CaseError) as raised:
        applicant_actions.case_start(applicant=applicant, programme_id="people-in-spirit")
    assert raised.value.code == CaseErrorCode.PROGRAMME_NOT_OPEN
    assert not Case.objects.exists()


def test_an_applicant_may_keep_only_so_many_drafts_under_one_programme(make_user, settings) -> None:
    applicant = make_user(Role.APPLICANT)
    limit = settings.HAVEN_MAX_DRAFTS_PER_PROGRAMME
    for _ in range(limit - 1):
        applicant_actions.case_start(applicant=applicant, programme_id="shared-values")
    complete = complete_draft(applicant)
    before = (Case.objects.count(), Person.objects.count(), AuditEvent.objects.count())

    with pytest.raises(CaseError) as raised:
        applicant_actions.case_start(applicant=applicant, programme_id="shared-values")
    assert raised.value.code == CaseErrorCode.TOO_MANY_DRAFTS
    assert (Case.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == before

    # Another applicant's drafts are theirs; a submitted application is no longer a draft.
    applicant_actions.case_start(applicant=make_user(Role.APPLICANT), programme_id="shared-values")
    applicant_actions.case_submit(actor=applicant, case=complete)
    applicant_actions.case_start(applicant=applicant, programme_id="shared-values")
    assert Case.objects.filter(applicant=applicant, status="draft").count() == limit


def test_submitting_an_incomplete_draft_lists_what_is_missing(make_user) -> None:
    applicant = make_user(Role.APPLICANT)
    case = applicant_actions.case_start(applicant=applicant, programme_id="shared-values")
    with pytest.raises(CaseError) as raised:
        applicant_actions.case_submit(actor=applicant, case=case)
    assert raised.value.code == CaseErrorCode.INCOMPLETE
    detail: list = raised.value.detail  # type: ignore[assignment]
    sections = {item.section for item in detail}
    assert sections == {"about-you", "passport", "declaration", "documents"}
    case.refresh_from_db()
    assert case.status == "draft"
    assert case.reference is None


def test_submission_stores_the_evaluation_a_reference_and_a_deadline(
    make_user, django_capture_on_commit_callbacks
) -> None:
    applicant = make_user(Role.APPLICANT)
    case = complete_draft(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = applicant_actions.case_submit(actor=applicant, case=case)
    assert submitted.status == "visa_submitted"
    assert re.fullmatch(r"HVN-\d{4}-\d{6}", submitted.reference or "")
    assert submitted.evaluation is not None
    assert submitted.evaluation["outcome"] == "eligible"
    assert submitted.evaluation["reasons"][0]["code"] == "NATIONALITY_LISTED"
    assert [e.type for e in submitted.events.all()][:2] == [
        CaseEventType.SUBMITTED,
        CaseEventType.DRAFT_STARTED,
    ]
    (email,) = mail.outbox
    assert str(submitted.reference) in str(email.subject)
    assert email.to == [applicant.email]
    assert AuditEvent.objects.filter(event_type=EventType.CASE_SUBMITTED).count() == 1


def test_submitting_twice_gives_one_application(make_user) -> None:
    applicant = make_user(Role.APPLICANT)
    case = complete_draft(applicant)
    first = applicant_actions.case_submit(actor=applicant, case=case)
    again = applicant_actions.case_submit(actor=applicant, case=case)
    assert again.reference == first.reference
    assert again.version == first.version
    assert AuditEvent.objects.filter(event_type=EventType.CASE_SUBMITTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_give_exactly_one(make_user) -> None:
    applicant = make_user(Role.APPLICANT)
    case = complete_draft(applicant)
    references: list[str | None] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            references.append(applicant_actions.case_submit(actor=applicant, case=case).reference)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(references)) == 1
    assert Case.objects.get(pk=case.pk).events.filter(type=CaseEventType.SUBMITTED).count() == 1
    assert verify_chain().intact


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_stay_within_the_limit(make_user, settings) -> None:
    applicant = make_user(Role.APPLICANT)
    settings.HAVEN_MAX_DRAFTS_PER_PROGRAMME = 2
    codes: list[CaseErrorCode | None] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            applicant_actions.case_start(applicant=applicant, programme_id="shared-values")
            codes.append(None)
        except CaseError as refusal:
            codes.append(refusal.code)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert (codes.count(None), codes.count(CaseErrorCode.TOO_MANY_DRAFTS)) == (2, 4)
    assert Case.objects.filter(applicant=applicant).count() == 2


def test_references_count_up_within_the_year(make_user) -> None:
    first = applicant_actions.case_submit(
        actor=(a := make_user(Role.APPLICANT)), case=complete_draft(a)
    )
    second = applicant_actions.case_submit(
        actor=(b := make_user(Role.APPLICANT)), case=complete_draft(b)
    )
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1  # type: ignore[index]


def test_a_submitted_application_can_no_longer_be_changed(make_user) -> None:
    applicant = make_user(Role.APPLICANT)
    case = applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant))
    with pytest.raises(CaseError) as raised:
        applicant_actions.case_update_person(actor=applicant, case=case, data={"surname": "Other"})
    assert raised.value.code == CaseErrorCode.NOT_A_DRAFT


def test_withdrawal(make_user) -> None:
    applicant = make_user(Role.APPLICANT)
    case = applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant))
    withdrawn = applicant_actions.case_withdraw(actor=applicant, case=case)
    assert withdrawn.status == "withdrawn"
    with pytest.raises(CaseError) as raised:
        applicant_actions.case_withdraw(actor=applicant, case=withdrawn)
    assert raised.value.code == CaseErrorCode.ACTION_NOT_ALLOWED
