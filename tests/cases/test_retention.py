"""A closed case's personal data is deleted once its programme's retention period has ended."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.chain import verify_chain
from haven.audit.models import AuditEvent, EventType
from haven.cases.models import (
    Case,
    CaseEvent,
    CaseEventType,
    CaseNote,
    Decision,
    Declaration,
    InformationRequest,
)
from haven.casework import applicant_actions, official_actions
from haven.casework.retention import (
    case_closed_on,
    personal_data_delete_due,
    personal_data_due_on,
)
from haven.casework.tasks import daily_checks
from haven.documents.models import Document
from haven.issuance.models import IssuedDocument
from haven.people.models import Passport, Person
from haven.rules.durations import add_duration
from haven.rules.selectors import programme_get
from tests.cases.helpers import PERSON, complete_draft, image_upload

pytestmark = pytest.mark.django_db

FIVE_YEARS = {"years": 5}


def _reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _submitted(make_user: Callable[..., User]) -> tuple[User, Case]:
    applicant = make_user(Role.APPLICANT)
    case = applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant))
    return applicant, case


def _in_review(case: Case, consul: User) -> Case:
    official_actions.case_start_review(officer=consul, case=case)
    return _reload(case)


def _refused_with_everything(applicant: User, case: Case, consul: User) -> Case:
    """Refused after a request answered with a file, with a note: every kind of personal text."""
    case = _in_review(case, consul)
    official_actions.case_request_information(
        officer=consul,
        case=case,
        version=case.version,
        message="Please send the page with your visa history.",
        due_on=timezone.localdate() + timedelta(days=10),
    )
    applicant_actions.case_answer_information(
        applicant=applicant,
        case=_reload(case),
        answer="Anna Schmidt, here is the page; I live at Hauptstraße 1.",
        files=[image_upload("anna-schmidt-history.png")],
    )
    case = _reload(case)
    assert case.state == "in_review"  # the answer takes it back to the officer
    official_actions.case_note_add(officer=consul, case=case, text="Ms Schmidt phoned twice.")
    case = _reload(case)
    grounds = programme_get(case.programme).value("visa_refusal_grounds", timezone.localdate())
    assert grounds is not None
    official_actions.case_refuse(
        officer=consul,
        case=case,
        version=case.version,
        grounds=[grounds.value[0]["code"]],
        explanation="Ms Schmidt's passport expires too soon.",
    )
    return _reload(case)


def _last_kept_day(case: Case) -> date:
    closed = case_closed_on(case, programme_get(case.programme))
    assert closed is not None
    return add_duration(closed, FIVE_YEARS)


def _summary() -> object:
    out = io.StringIO()
    call_command("cases", "summary", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


# When a case closed ---------------------------------------------------------------------


def test_a_refused_case_closed_on_the_day_of_its_refusal(
    make_user: Callable[..., User], consul: User
) -> None:
    applicant, case = _submitted(make_user)
    case = _refused_with_everything(applicant, case, consul)
    decided = Decision.objects.get(case=case).decided_at
    assert case_closed_on(case, programme_get(case.programme)) == timezone.localdate(decided)


def test_a_withdrawn_case_closed_on_the_day_of_its_withdrawal(
    make_user: Callable[..., User],
) -> None:
    applicant, case = _submitted(make_user)
    case = applicant_actions.case_withdraw(actor=applicant, case=case)
    withdrawn = CaseEvent.objects.get(case=case, type=CaseEventType.WITHDRAWN).occurred_at
    assert case_closed_on(case, programme_get(case.programme)) == timezone.localdate(withdrawn)


def test_an_unused_visa_closes_its_case_on_the_day_it_expired(
    make_user: Callable[..., User], consul: User
) -> None:
    _applicant, case = _submitted(make_user)
    case = _in_review(case, consul)
    official_actions.case_approve(officer=consul, case=case, version=case.version)
    case = _reload(case)
    programme = programme_get(case.programme)
    assert case_closed_on(case, programme) is None  # granted, waiting for the entry
    visa = IssuedDocument.objects.get(case=case)
    daily_checks.call((visa.valid_until + timedelta(days=1)).isoformat())
    case = _reload(case)
    assert case.state == "expired"
    assert case_closed_on(case, programme) == visa.valid_until + timedelta(days=1)


def test_an_open_case_has_not_closed(make_user: Callable[..., User]) -> None:
    _applicant, case = _submitted(make_user)
    programme = programme_get(case.programme)
    assert case_closed_on(case, programme) is None
    assert personal_data_due_on(case, programme, date(2100, 1, 1)) is None


# Deleting ---------------------------------------------------------------------------------


def test_a_case_closed_just_inside_the_period_is_kept(
    make_user: Callable[..., User], consul: User
) -> None:
    applicant, case = _submitted(make_user)
    case = _refused_with_everything(applicant, case, consul)
    assert personal_data_delete_due(_last_kept_day(case)) == 0
    person = Person.objects.get(case=case)
    assert person.surname == PERSON["surname"]
    assert _reload(case).personal_data_deleted_on is None
    assert Document.objects.filter(case=case, storage_name__isnull=False).count() == 3


def test_a_case_past_its_period_is_anonymised(
    make_user: Callable[..., User],
    consul: User,
    media_root: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    applicant, case = _submitted(make_user)
    case = _refused_with_everything(applicant, case, consul)
    stored = [
        media_root / name
        for name in Document.objects.filter(case=case).values_list("storage_name", flat=True)
        if name
    ]
    assert len(stored) == 3
    assert all(path.exists() for path in stored)
    summary_before = _summary()
    due = _last_kept_day(case) + timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert personal_data_delete_due(due) == 1

    case = _reload(case)
    assert case.personal_data_deleted_on == due
    assert case.status == "visa_refused"  # the figures' columns are kept
    person = Person.objects.get(case=case)
    for field in ("surname", "given_names", "native_surname", "native_given_names"):
        assert getattr(person, field) == ""
    assert person.birth_date is None
    assert (person.birth_place, person.address, person.phone, person.email) == ("", "", "", "")
    assert (person.name_key, person.native_name_key) == ("", "")
    assert (person.sex, person.citizenships, person.residence) == ("F", ["DE"], "DE")
    passport = Passport.objects.get(person=person)
    assert (passport.number, passport.mrz_line1, passport.mrz_line2) == ("", "", "")
    assert (passport.issue_date, passport.expiry_date) == (None, None)
    assert passport.issuing_state == "DE"
    declaration = Declaration.objects.get(case=case)
    assert (declaration.full_name, declaration.statement) == ("", "")
    request = InformationRequest.objects.get(case=case)
    assert request.answer == ""
    assert request.answered_at is not None
    assert list(CaseNote.objects.filter(case=case).values_list("text", flat=True)) == [""]
    decision = Decision.objects.get(case=case)
    assert decision.explanation == ""
    assert decision.outcome == "refused"
    assert decision.grounds
    documents = Document.objects.filter(case=case)
    assert documents.count() == 3
    for document in documents:
        assert document.storage_name is None
        assert document.original_name == ""
        assert document.removed_at is not None
        assert document.kind in {"passport_scan", "photo", "additional"}
        assert document.size > 0
    assert not any(path.exists() for path in stored)
    assert _summary() == summary_before


def test_one_audit_event_without_personal_data_and_the_chain_verifies(
    make_user: Callable[..., User], consul: User
) -> None:
    applicant, case = _submitted(make_user)
    case = _refused_with_everything(applicant, case, consul)
    closed = case_closed_on(case, programme_get(case.programme))
    assert closed is not None
    personal_data_delete_due(_last_kept_day(case) + timedelta(days=1))

    event = AuditEvent.objects.get(event_type=EventType.PERSONAL_DATA_DELETED)
    assert event.actor is None
    assert (event.subject_type, event.subject_id) == ("cases.case", str(case.pk))
    assert event.details == {
        "case": case.pk,
        "reference": case.reference,
        "closed_on": closed.isoformat(),
        "people": 1,
        "files": 3,
        "answers": 1,
    }
    entry = CaseEvent.objects.get(case=case, type=CaseEventType.PERSONAL_DATA_DELETED)
    assert entry.visible_to_applicant is False
    assert entry.actor is None
    assert verify_chain().intact


def test_a_second_run_does_nothing(make_user: Callable[..., User], consul: User) -> None:
    applicant, case = _submitted(make_user)
    case = _refused_with_everything(applicant, case, consul)
    due = _last_kept_day(case) + timedelta(days=1)
    assert personal_data_delete_due(due) == 1
    events = AuditEvent.objects.count()
    assert personal_data_delete_due(due) == 0
    assert personal_data_delete_due(due + timedelta(days=400)) == 0
    assert AuditEvent.objects.count() == events
    assert _reload(case).personal_data_deleted_on == due


def test_a_withdrawn_case_past_its_period_is_anonymised(make_user: Callable[..., User]) -> None:
    applicant, case = _submitted(make_user)
    case = applicant_actions.case_withdraw(actor=applicant, case=case)
    assert personal_data_delete_due(_last_kept_day(case) + timedelta(days=1)) == 1
    assert Person.objects.get(case=case).surname == ""


def test_an_open_case_is_never_touched_however_old(make_user: Callable[..., User]) -> None:
    _applicant, case = _submitted(make_user)
    applicant = make_user(Role.APPLICANT)
    draft = complete_draft(applicant)
    assert personal_data_delete_due(date(2100, 1, 1)) == 0
    for open_case in (case, draft):
        assert Person.objects.get(case=open_case).surname == PERSON["surname"]
        assert _reload(open_case).personal_data_deleted_on is None
    assert not AuditEvent.objects.filter(event_type=EventType.PERSONAL_DATA_DELETED).exists()


def test_the_daily_checks_count_the_cases_done(make_user: Callable[..., User]) -> None:
    applicant, case = _submitted(make_user)
    case = applicant_actions.case_withdraw(actor=applicant, case=case)
    due = _last_kept_day(case) + timedelta(days=1)
    assert daily_checks.call(due.isoformat())["personal_data_deleted"] == 1
    assert daily_checks.call(due.isoformat())["personal_data_deleted"] == 0


def test_a_granted_permit_closes_its_case_on_its_last_valid_day(
    make_user: Callable[..., User], consul: User, migration: User
) -> None:
    _applicant, case = _submitted(make_user)
    case = _in_review(case, consul)
    official_actions.case_approve(officer=consul, case=case, version=case.version)
    case = official_actions.case_record_entry(
        actor=consul, case=_reload(case), entered_on=timezone.localdate(), source="officer"
    )
    case = official_actions.case_start_review(officer=migration, case=case)
    today = timezone.localdate()
    programme = programme_get(case.programme)
    for code in official_actions.checklist_codes(programme, "trp", today):
        case = official_actions.case_check_document(
            officer=migration, case=case, code=code, checked=True
        )
    official_actions.case_approve(
        officer=migration, case=case, version=case.version, region="RU-MOW"
    )
    case = _reload(case)
    permit = IssuedDocument.objects.get(case=case, kind="trp")
    assert case_closed_on(case, programme) == permit.valid_until
    last_kept = add_duration(permit.valid_until, FIVE_YEARS)
    assert personal_data_delete_due(last_kept) == 0
    assert personal_data_delete_due(last_kept + timedelta(days=1)) == 1
    issued = IssuedDocument.objects.get(case=case, kind="trp")
    assert (issued.mrz_line1, issued.mrz_line2, issued.holder_initials) == ("", "", "")
    assert issued.number == permit.number
