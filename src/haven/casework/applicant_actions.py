"""Every change an applicant makes to an application, one function each.

Each checks its guard, writes in one transaction with its audit event and
timeline entry, and sends email only after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation

from haven.accounts.models import User
from haven.audit.models import EventType
from haven.cases.completeness import missing_items
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.history import record_change
from haven.cases.models import (
    Case,
    CaseEventType,
    Declaration,
    InformationRequest,
    ReferenceCounter,
)
from haven.cases.policy import may_act_as, require
from haven.cases.transitions import DRAFT, STAGE_KINDS, Action, apply_transition
from haven.casework.idempotency import (
    idempotency_key_claim,
    idempotency_key_complete,
    idempotency_key_release,
)
from haven.casework.locking import lock_case
from haven.casework.notifications import notify_on_commit, send_submitted
from haven.documents.actions import ANSWER_KIND, document_record, uploads_discard, uploads_store
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
# An applicant's answer to a request for information may carry at most this many files.
ANSWER_MAX_FILES = 5
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
    applications today, and ``CaseError(TOO_MANY_DRAFTS)`` when the applicant
    already has ``settings.HAVEN_MAX_DRAFTS_PER_PROGRAMME`` drafts under it
    (each draft is rows, and a timeline and audit event, however little is in it).
    Creates the case, the applicant's person record and an empty passport record.
    """
    programme = programme_get(programme_id)
    if not can_start(programme, timezone.localdate()):
        raise CaseError(CaseErrorCode.PROGRAMME_NOT_OPEN)
    language = (translation.get_language() or applicant.preferred_language or "en")[:2]
    with transaction.atomic():
        # The applicant's row, locked, serialises their starts: two at once cannot both
        # find room for one more draft.
        User.objects.select_for_update().only("pk").get(pk=applicant.pk)
        drafts = Case.objects.filter(applicant=applicant, programme=programme.id, status=DRAFT)
        if drafts.count() >= settings.HAVEN_MAX_DRAFTS_PER_PROGRAMME:
            raise CaseError(CaseErrorCode.TOO_MANY_DRAFTS)
        case = Case.objects.create(
            programme=programme.id,
            stage=programme.stages[0].id,  # a draft: the status's and state's default
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


def _next_reference(year: int) -> str:
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"HVN-{year}-{counter.last:06d}"


def case_submit(*, actor: User, case: Case, key: str = "") -> Case:
    """Submit a complete draft: exactly once, however often it is asked.

    The applicant whose draft it is (``policy.SUBMIT``). A case already
    submitted is returned as it is (double click, reload, a second tab, an
    API retry). Stores the rules evaluation on the submission date with the
    case; an ineligible outcome does not stop submission (officials decide,
    never the rules). Raises ``CaseError(INCOMPLETE)`` with the missing items
    as detail.

    ``key`` is the client's ``Idempotency-Key`` (see ``haven.casework.idempotency``):
    the same key again for this case returns it as submitted; the key already
    used for another of the applicant's cases raises
    ``CaseError(IDEMPOTENCY_KEY_REUSED)``, and while the request that first
    sent it is still in flight ``CaseError(IDEMPOTENCY_KEY_IN_FLIGHT)``. A
    refused submission leaves the key unused.
    """
    programme = programme_get(case.programme)
    require(actor, Action.VIEW, case, programme)
    if not key:
        return _submit(actor, case, programme)
    claim = idempotency_key_claim(applicant=actor, key=key, case=case)
    if claim.repeat:
        return Case.objects.get(pk=case.pk)
    try:
        with transaction.atomic():
            submitted = _submit(actor, case, programme)
            idempotency_key_complete(claim)
    except Exception:
        idempotency_key_release(claim)
        raise
    return submitted


def _submit(actor: User, case: Case, programme: Programme) -> Case:
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
        notify_on_commit(send_submitted, locked.pk)
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


def case_answer_information(
    *, applicant: User, case: Case, answer: str, files: Sequence[File[Any]] = ()
) -> InformationRequest:
    """The applicant who owns the case answers its open request, with up to ANSWER_MAX_FILES files.

    The files are kept as documents of kind ``additional``. All or nothing:
    every file is checked before anything is stored, so a refused one raises
    ``UploadRefused`` (naming the file) and nothing is saved; a failure after
    storing deletes the stored files again. Raises ``CaseError`` with
    ``ANSWER_REQUIRED``, ``TOO_MANY_FILES``, ``NOT_PERMITTED`` (not the
    applicant's case), ``ACTION_NOT_ALLOWED`` (the status does not allow it) or
    ``NO_OPEN_REQUEST``.
    Call it outside any transaction of your own (see ``document_upload``).
    """

    answer = answer.strip()
    if not answer:
        raise CaseError(CaseErrorCode.ANSWER_REQUIRED)
    if len(files) > ANSWER_MAX_FILES:
        raise CaseError(CaseErrorCode.TOO_MANY_FILES)
    if not may_act_as(applicant, Action.ANSWER_INFORMATION, case, programme_get(case.programme)):
        raise CaseError(CaseErrorCode.NOT_PERMITTED)  # before any file is stored
    stored = uploads_store(files)
    try:
        with transaction.atomic():
            locked, programme = lock_case(
                case, applicant, Action.ANSWER_INFORMATION, None, now=False
            )
            request = (
                InformationRequest.objects.select_for_update()
                .filter(case=locked, answered_at__isnull=True)
                .first()
            )
            if request is None:
                raise CaseError(CaseErrorCode.NO_OPEN_REQUEST)
            previous = apply_transition(locked, programme, Action.ANSWER_INFORMATION)
            locked.save()
            now = timezone.now()
            request.answer = answer
            request.answered_at = now
            request.answered_by = applicant
            request.save(update_fields=["answer", "answered_at", "answered_by"])
            for item in stored:
                document_record(
                    actor=applicant,
                    case=locked,
                    kind=ANSWER_KIND,
                    stored=item,
                    received_at=now,
                    details={"request": str(request.public_id)},
                )
            record_change(
                case=locked,
                actor=applicant,
                audit=EventType.INFORMATION_PROVIDED,
                timeline=CaseEventType.INFORMATION_PROVIDED,
                from_status=previous,
                details={"request": str(request.public_id), "documents": len(stored)},
            )
    except BaseException:
        uploads_discard(stored)
        raise
    return request
