"""Every change an applicant makes to an application, one function each.

Each checks its guard, writes in one transaction with its audit event and
timeline entry, and sends email only after the transaction commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from haven.accounts.models import User
from haven.audit.models import EventType
from haven.cases.completeness import missing_items
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.history import record_change
from haven.cases.models import Case, CaseEventType, Declaration, ReferenceCounter
from haven.cases.notifications import send_submitted
from haven.cases.policy import may_act_as, require
from haven.cases.transitions import DRAFT, STAGE_KINDS, Action, transition
from haven.documents.selectors import uploaded_kinds
from haven.people.duplicates import name_keys_for
from haven.people.models import Passport, Person
from haven.rules.durations import add_duration
from haven.rules.evaluate import Facts, evaluate
from haven.rules.programme import Programme, ProgrammeStatus
from haven.rules.selectors import programme_get

PERSON_FIELDS = (
    "surname",
    "given_names",
    "native_surname",
    "native_given_names",
    "birth_date",
    "birth_place",
    "sex",
    "citizenships",
    "residence",
    "address",
    "phone",
    "email",
)
PASSPORT_FIELDS = ("number", "issuing_state", "issue_date", "expiry_date", "mrz_line1", "mrz_line2")


def can_start(programme: Programme, on_date: date) -> bool:
    """Applications open, and Haven runs casework for the programme's first stage."""
    opening = programme.value("applications_open", on_date)
    return (
        programme.status == ProgrammeStatus.IN_FORCE
        and opening is not None
        and bool(opening.value)
        and programme.stages[0].kind in STAGE_KINDS
    )


def case_start(*, applicant: User, programme_id: str) -> Case:
    """Start a draft application for the signed-in applicant (who holds the applicant role).

    Raises ``CaseError(PROGRAMME_NOT_OPEN)`` for a programme that takes no
    applications today. Creates the case, the applicant's person record and
    an empty passport record.
    """
    programme = programme_get(programme_id)
    if not can_start(programme, timezone.localdate()):
        raise CaseError(CaseErrorCode.PROGRAMME_NOT_OPEN)
    language = (translation.get_language() or applicant.preferred_language or "en")[:2]
    with transaction.atomic():
        case = Case.objects.create(
            programme=programme.id,
            stage=programme.stages[0].id,
            status=DRAFT,
            applicant=applicant,
            language=language,
        )
        person = Person.objects.create(case=case, email=applicant.email)
        Passport.objects.create(person=person)
        record_change(
            case=case,
            actor=applicant,
            audit=EventType.CASE_STARTED,
            timeline=CaseEventType.DRAFT_STARTED,
            details={"programme": programme.id},
        )
    return case


def _locked_draft(actor: User, case: Case) -> Case:
    """The draft, locked, once the policy lets ``actor`` edit it."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not may_act_as(actor, Action.EDIT_DRAFT, locked, programme_get(locked.programme)):
        raise CaseError(CaseErrorCode.NOT_PERMITTED)
    if locked.status != DRAFT:
        raise CaseError(CaseErrorCode.NOT_A_DRAFT)
    return locked


def case_update_person(*, actor: User, case: Case, data: dict[str, Any]) -> Person:
    """Save 'About you' (the applicant's own draft only: ``policy.EDIT_DRAFT``)."""
    with transaction.atomic():
        locked = _locked_draft(actor, case)
        person = Person.objects.get(case=locked, role=Person.Role.APPLICANT)
        changed = sorted(
            name for name in PERSON_FIELDS if name in data and getattr(person, name) != data[name]
        )
        for name in changed:
            setattr(person, name, data[name])
        person.name_key, person.native_name_key = name_keys_for(person)
        person.save()
        if changed:
            record_change(
                case=locked,
                actor=actor,
                audit=EventType.CASE_UPDATED,
                details={"section": "about-you", "fields": changed},
            )
    return person


def case_update_passport(*, actor: User, case: Case, data: dict[str, Any]) -> Passport:
    """Save the passport section (draft only)."""
    with transaction.atomic():
        locked = _locked_draft(actor, case)
        passport = Passport.objects.get(person__case=locked, person__role=Person.Role.APPLICANT)
        changed = sorted(
            name
            for name in PASSPORT_FIELDS
            if name in data and getattr(passport, name) != data[name]
        )
        for name in changed:
            setattr(passport, name, data[name])
        passport.save()
        if changed:
            record_change(
                case=locked,
                actor=actor,
                audit=EventType.CASE_UPDATED,
                details={"section": "passport", "fields": changed},
            )
    return passport


def case_sign_declaration(
    *, actor: User, case: Case, full_name: str, statement: str, language: str
) -> Declaration:
    """Sign (or sign again) the programme's declaration, copying the texts shown."""
    programme = programme_get(case.programme)
    today = timezone.localdate()
    text = programme.value("declaration_text", today)
    if text is None:
        raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED)
    with transaction.atomic():
        locked = _locked_draft(actor, case)
        declaration, _created = Declaration.objects.update_or_create(
            case=locked,
            defaults={
                "language": language,
                "text": text.value.get(language) or text.value["en"],
                "binding_text": text.value["ru"],
                "text_valid_from": text.valid_from,
                "full_name": full_name.strip(),
                "statement": statement.strip(),
                "signed_at": timezone.now(),
            },
        )
        record_change(
            case=locked,
            actor=actor,
            audit=EventType.DECLARATION_SIGNED,
            details={"text_valid_from": text.valid_from.isoformat(), "language": language},
        )
    return declaration


def apply_transition(case: Case, programme: Programme, action: Action) -> str:
    """Move a locked case by one allowed action; the one place a status is written.

    Returns the status it left. Raises ``CaseError(ACTION_NOT_ALLOWED)`` when
    the case's status does not allow the action. The caller holds the row
    lock and the transaction, and saves the case.
    """
    move = transition(programme, case.status, action)
    if move is None:  # the caller's ``policy.require`` has checked it: a bug if it happens
        raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED)
    previous = case.status
    if move.to_stage != case.stage:
        case.stage = move.to_stage
        case.stage_started_on = timezone.localdate()
        case.deadline_missed_on = None
    case.status = move.to_status
    case.state = move.to_state
    case.version += 1
    return previous


def _next_reference(year: int) -> str:
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"HVN-{year}-{counter.last:06d}"


def case_submit(*, actor: User, case: Case, key: str = "") -> Case:
    """Submit a complete draft: exactly once, however often it is asked.

    A case already submitted is returned as it is (double click, reload, a
    second tab, an API retry with the same ``Idempotency-Key``). Stores the
    rules evaluation on the submission date with the case; an ineligible
    outcome does not stop submission (officials decide, never the rules).
    Raises ``CaseError(INCOMPLETE)`` with the missing items as detail.
    """

    programme = programme_get(case.programme)
    today = timezone.localdate()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        require(actor, Action.VIEW, locked, programme)
        if locked.status != DRAFT:
            return locked
        require(actor, Action.SUBMIT, locked, programme)
        person = Person.objects.get(case=locked, role=Person.Role.APPLICANT)
        passport = Passport.objects.get(person=person)
        missing = missing_items(locked, programme, person, passport, uploaded_kinds(locked), today)
        if missing:
            raise CaseError(CaseErrorCode.INCOMPLETE, missing)
        result = evaluate(
            programme,
            Facts.from_codes(person.citizenships, person.residence or None),
            today,
            locked.stage,
        )
        deadline = programme.optional_value(
            programme.stage(locked.stage).decision_deadline_parameter, today
        )
        locked.reference = _next_reference(today.year)
        apply_transition(locked, programme, Action.SUBMIT)
        locked.submitted_at = timezone.now()
        locked.stage_started_on = today
        locked.submission_key = key or None
        locked.evaluation = result.to_record()
        locked.deadline = add_duration(today, deadline.value) if deadline else None
        locked.save()
        record_change(
            case=locked,
            actor=actor,
            audit=EventType.CASE_SUBMITTED,
            timeline=CaseEventType.SUBMITTED,
            from_status=DRAFT,
            details={"reference": locked.reference, "outcome": result.outcome.value},
        )
        transaction.on_commit(lambda: _notify_submitted(locked.pk))
    return locked


def case_withdraw(*, actor: User, case: Case) -> Case:
    """The applicant withdraws their open application (after confirming)."""
    programme = programme_get(case.programme)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        require(actor, Action.WITHDRAW, locked, programme)
        previous = apply_transition(locked, programme, Action.WITHDRAW)
        locked.save()
        record_change(
            case=locked,
            actor=actor,
            audit=EventType.CASE_WITHDRAWN,
            timeline=CaseEventType.WITHDRAWN,
            from_status=previous,
            details={"from_status": previous},
        )
    return locked


def _notify_submitted(case_pk: int) -> None:
    send_submitted(Case.objects.select_related("applicant").get(pk=case_pk))
