"""What officials do with a case, one function per action, and the system's own moves.

Each officer action checks that the official's authority handles the case's
current stage, locks the case, compares the version the official saw (so two
officials deciding at once cannot both succeed: the second gets
``CaseError(CONFLICT)`` and nothing changes), moves the status through
``apply_transition``, writes its timeline entry and audit event in the same
transaction, and notifies the applicant only after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.actions import audit_record
from haven.audit.models import EventType
from haven.cases.authorities import can_work_stage
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.history import record_change
from haven.cases.models import (
    Case,
    CaseEventType,
    CaseNote,
    Decision,
    DocumentCheck,
    InformationRequest,
)
from haven.cases.policy import require
from haven.cases.queues import QueuePage
from haven.cases.states import StageState, status_of
from haven.cases.transitions import Action, apply_transition
from haven.casework import notifications
from haven.casework.locking import lock_case
from haven.issuance.actions import document_issue
from haven.issuance.models import IssuedDocument
from haven.issuance.regions import region_choices
from haven.rules.durations import add_duration
from haven.rules.programme import Programme
from haven.rules.selectors import programme_get

# An answer may be asked for at most this far ahead.
LONGEST_DUE = timedelta(days=366)


# Assignment --------------------------------------------------------------------------------


def case_assign(*, officer: User, case: Case, assignee: User, version: int | None = None) -> Case:
    """Give the case to an official of the same authority (any officer of the stage may).

    With ``version`` (the one the official saw), a case changed meanwhile (say,
    taken by a colleague) is a ``CONFLICT`` and stays as it is.
    """
    with transaction.atomic():
        locked, programme = lock_case(case, officer, Action.ASSIGN, version)
        if not can_work_stage(assignee, programme, locked.stage):
            raise CaseError(CaseErrorCode.NOT_AN_OFFICER)
        if locked.assignee_id == assignee.pk:
            return locked
        _give(locked, officer, assignee, details={"assignee": assignee.pk})
    return locked


def case_unassign(*, officer: User, case: Case, version: int | None = None) -> Case:
    """Put the case back in the queue with nobody assigned (``version`` as for case_assign)."""
    with transaction.atomic():
        locked, _programme = lock_case(case, officer, Action.UNASSIGN, version)
        if locked.assignee_id is None:
            return locked
        _give(locked, officer, None, details={"previous_assignee": locked.assignee_id})
    return locked


def _give(locked: Case, officer: User, assignee: User | None, *, details: dict[str, Any]) -> None:
    """Give the locked case to ``assignee`` (None: back to the queue), on the internal timeline."""
    locked.assignee = assignee
    locked.version += 1
    locked.save(update_fields=["assignee", "version", "updated_at"])
    record_change(
        case=locked,
        actor=officer,
        audit=EventType.CASE_ASSIGNED if assignee else EventType.CASE_UNASSIGNED,
        timeline=CaseEventType.ASSIGNED if assignee else CaseEventType.UNASSIGNED,
        visible=False,
        details=details,
    )


def case_start_review(*, officer: User, case: Case, version: int | None = None) -> Case:
    """Open a submitted case for review; the applicant sees that an official is on it.

    With ``version`` (the one the official saw), a case changed meanwhile is a
    ``CONFLICT`` and stays as it is.
    """
    with transaction.atomic():
        locked, programme = lock_case(case, officer, Action.START_REVIEW, version)
        previous = apply_transition(locked, programme, Action.START_REVIEW)
        if locked.assignee_id is None:
            locked.assignee = officer
        locked.save()
        _record_review_started(locked, officer, previous)
    return locked


def case_take_next(*, officer: User, stages: Iterable[tuple[str, str]]) -> Case | None:
    """Assign to the official the unassigned waiting case with the nearest deadline.

    ``stages`` are the (programme, stage) pairs the official's authority
    handles. The case's review starts if it had not. Returns None when the
    queue is empty. Two officials asking at once get different cases.
    """

    waiting = Q()
    for programme_id, stage_id in stages:
        waiting |= Q(
            programme=programme_id,
            stage=stage_id,
            status__in=[
                status_of(stage_id, StageState.SUBMITTED),
                status_of(stage_id, StageState.IN_REVIEW),
            ],
        )
    if not waiting:
        return None
    with transaction.atomic():
        candidates = (
            Case.objects.filter(waiting, assignee__isnull=True)
            .order_by("deadline", "submitted_at", "pk")
            .select_for_update(skip_locked=True)
        )
        locked = candidates.first()
        if locked is None:
            return None
        programme = programme_get(locked.programme)
        require(officer, Action.ASSIGN, locked, programme)
        locked.assignee = officer
        previous = locked.status
        if locked.status == status_of(locked.stage, StageState.SUBMITTED):
            apply_transition(locked, programme, Action.START_REVIEW)
        else:
            locked.version += 1
        locked.save()
        record_change(
            case=locked,
            actor=officer,
            audit=EventType.CASE_ASSIGNED,
            timeline=CaseEventType.ASSIGNED,
            visible=False,
            details={"assignee": officer.pk, "taken_next": True},
        )
        if previous != locked.status:
            _record_review_started(locked, officer, previous)
    return locked


def _record_review_started(case: Case, officer: User, previous: str) -> None:
    record_change(
        case=case,
        actor=officer,
        audit=EventType.CASE_REVIEW_STARTED,
        timeline=CaseEventType.REVIEW_STARTED,
        from_status=previous,
        details={"from_status": previous},
    )


# Review ------------------------------------------------------------------------------------


def case_record_viewed(*, officer: User, case: Case) -> None:
    """Record that an official opened the case's page (every time: it shows personal data)."""
    audit_record(event_type=EventType.CASE_VIEWED, actor=officer, subject=case, details={})


def queue_record_viewed(*, officer: User, queue: QueuePage) -> None:
    """Record that an official was shown a page of a queue, naming the cases it listed.

    Called by the queue pages after ``queue_for_officer``, which only officials
    of the queue's authority get. A page lists each case's applicant by name
    and citizenships, so every page shown is recorded, with the cases' ids
    (never their names) for an auditor to find who saw whom. A page that lists
    no case shows nobody's data and records nothing. The filters are all
    choices from the page's lists (a citizenship code, a colleague's id), none
    is text the official typed.
    """
    if not queue.rows:
        return
    filters = queue.filters
    audit_record(
        event_type=EventType.QUEUE_VIEWED,
        actor=officer,
        details={
            "authority": filters.authority,
            "filters": {
                "status": filters.status,
                "programme": filters.programme,
                "nationality": filters.nationality,
                "deadline": filters.deadline.value,
                "assignee": filters.assignee,
                "sort": filters.sort.value,
            },
            "page": queue.page.number,
            "cases": [row.case_id for row in queue.rows],
        },
    )


def case_note_add(*, officer: User, case: Case, text: str) -> CaseNote:
    """An internal note for colleagues; the applicant never sees it."""
    text = text.strip()
    if not text:
        raise CaseError(CaseErrorCode.MESSAGE_REQUIRED)
    with transaction.atomic():
        locked, _programme = lock_case(case, officer, Action.ADD_NOTE, None)
        note = CaseNote.objects.create(
            case=locked, author=officer, created_at=timezone.now(), text=text
        )
        record_change(case=locked, actor=officer, audit=EventType.CASE_NOTE_ADDED)
    return note


def checklist_codes(programme: Programme, stage_id: str, on_date: date) -> tuple[str, ...]:
    """The documents an officer ticks off at this stage (none for most stages)."""
    stage = programme.stage(stage_id)
    checklist = programme.optional_value(stage.documents_parameter, on_date)
    if checklist is None or not stage.issues.is_permit:
        return ()
    return tuple(checklist.value)


def case_check_document(*, officer: User, case: Case, code: str, checked: bool) -> Case:
    """Tick (or untick) a document of the stage's checklist as seen and accepted."""
    with transaction.atomic():
        locked, programme = lock_case(case, officer, Action.CHECK_DOCUMENT, None)
        if code not in checklist_codes(programme, locked.stage, timezone.localdate()):
            raise CaseError(CaseErrorCode.UNKNOWN_CHECKLIST_ITEM)
        existing = DocumentCheck.objects.filter(case=locked, stage=locked.stage, code=code)
        if checked and not existing.exists():
            DocumentCheck.objects.create(
                case=locked,
                stage=locked.stage,
                code=code,
                checked_by=officer,
                checked_at=timezone.now(),
            )
        elif not checked and existing.exists():
            existing.delete()
        else:
            return locked
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        record_change(
            case=locked,
            actor=officer,
            audit=(
                EventType.CHECKLIST_ITEM_CHECKED if checked else EventType.CHECKLIST_ITEM_UNCHECKED
            ),
            details={"document": code},
        )
    return locked


def case_request_information(
    *, officer: User, case: Case, version: int, message: str, due_on: date
) -> InformationRequest:
    """Ask the applicant for information by a date; the case waits for the answer."""
    message = message.strip()
    if not message:
        raise CaseError(CaseErrorCode.MESSAGE_REQUIRED)
    today = timezone.localdate()
    if not today < due_on <= today + LONGEST_DUE:
        raise CaseError(CaseErrorCode.DATE_OUT_OF_RANGE)
    with transaction.atomic():
        locked, programme = lock_case(case, officer, Action.REQUEST_INFORMATION, version)
        previous = apply_transition(locked, programme, Action.REQUEST_INFORMATION)
        locked.save()
        request = InformationRequest.objects.create(
            case=locked,
            stage=locked.stage,
            message=message,
            due_on=due_on,
            requested_by=officer,
            requested_at=timezone.now(),
        )
        record_change(
            case=locked,
            actor=officer,
            audit=EventType.INFORMATION_REQUESTED,
            timeline=CaseEventType.INFORMATION_REQUESTED,
            from_status=previous,
            details={"due_on": due_on.isoformat()},
        )
        notifications.notify_on_commit(notifications.send_information_requested, locked.pk)
    return request


# Decisions ---------------------------------------------------------------------------------


def _grounds(programme: Programme, stage_id: str, codes: Iterable[str], on_date: date) -> list[Any]:
    parameter = programme.optional_value(
        programme.stage(stage_id).refusal_grounds_parameter, on_date
    )
    available = {ground["code"]: ground for ground in (parameter.value if parameter else ())}
    chosen = list(dict.fromkeys(codes))
    if not chosen:
        raise CaseError(CaseErrorCode.GROUNDS_REQUIRED)
    unknown = [code for code in chosen if code not in available]
    if unknown or parameter is None:
        raise CaseError(CaseErrorCode.UNKNOWN_GROUND, unknown)
    return [
        {
            "code": code,
            "article": available[code]["article"],
            "act": parameter.reference.act,
            "title": available[code]["title"],
        }
        for code in chosen
    ]


def _decide(
    locked: Case, officer: User, outcome: str, grounds: list[Any], explanation: str
) -> Decision:
    try:
        with transaction.atomic():
            return Decision.objects.create(
                case=locked,
                stage=locked.stage,
                outcome=outcome,
                grounds=grounds,
                explanation=explanation,
                decided_by=officer,
                decided_at=timezone.now(),
            )
    except IntegrityError as error:  # a decision on this stage exists: someone was faster
        raise CaseError(CaseErrorCode.CONFLICT) from error


def case_approve(
    *,
    officer: User,
    case: Case,
    version: int,
    valid_from: date | None = None,
    region: str = "",
    explanation: str = "",
) -> Decision:
    """Approve the stage and issue what it issues (a visa, a permit).

    A visa is valid from ``valid_from`` (today by default, at most a year
    ahead); a permit needs its ``region`` and every checklist document ticked.
    """

    today = timezone.localdate()
    valid_from = valid_from or today
    if not today <= valid_from <= today + LONGEST_DUE:
        raise CaseError(CaseErrorCode.DATE_OUT_OF_RANGE)
    with transaction.atomic():
        locked, programme = lock_case(case, officer, Action.APPROVE, version)
        stage = programme.stage(locked.stage)
        if stage.issues.is_permit and region not in dict(region_choices()):
            raise CaseError(CaseErrorCode.REGION_REQUIRED)
        required = set(checklist_codes(programme, locked.stage, today))
        ticked = set(
            DocumentCheck.objects.filter(case=locked, stage=locked.stage).values_list(
                "code", flat=True
            )
        )
        if required - ticked:
            raise CaseError(CaseErrorCode.CHECKLIST_INCOMPLETE, sorted(required - ticked))
        decided_stage = locked.stage
        previous = apply_transition(locked, programme, Action.APPROVE)
        locked.save()
        decision = _decide(locked, officer, Decision.Outcome.APPROVED, [], explanation.strip())
        record_change(
            case=locked,
            actor=officer,
            audit=EventType.CASE_APPROVED,
            timeline=CaseEventType.APPROVED,
            from_status=previous,
            details={"stage": decided_stage},
        )
        if stage.issues:
            document = document_issue(
                officer=officer,
                case=locked,
                decision=decision,
                programme=programme,
                kind=stage.issues,
                issued_on=today,
                valid_from=valid_from,
                region=region,
            )
            record_change(
                case=locked,
                actor=officer,
                audit=EventType.DOCUMENT_ISSUED,
                timeline=CaseEventType.DOCUMENT_ISSUED,
                subject=document,
                details={
                    "kind": document.kind,
                    "number": document.number,
                    "case": locked.reference,
                },
            )
        notifications.notify_on_commit(
            notifications.send_decided, locked.pk, decision_pk=decision.pk
        )
    return decision


def case_refuse(
    *, officer: User, case: Case, version: int, grounds: Iterable[str], explanation: str
) -> Decision:
    """Refuse the stage on grounds from the programme's parameters, explained in words.

    Only an official refuses, never the rules: this action is the only way
    to a refusal and always has a named official.
    """
    explanation = explanation.strip()
    if not explanation:
        raise CaseError(CaseErrorCode.EXPLANATION_REQUIRED)
    today = timezone.localdate()
    with transaction.atomic():
        locked, programme = lock_case(case, officer, Action.REFUSE, version)
        chosen = _grounds(programme, locked.stage, grounds, today)
        decided_stage = locked.stage
        previous = apply_transition(locked, programme, Action.REFUSE)
        locked.save()
        decision = _decide(locked, officer, Decision.Outcome.REFUSED, chosen, explanation)
        record_change(
            case=locked,
            actor=officer,
            audit=EventType.CASE_REFUSED,
            timeline=CaseEventType.REFUSED,
            from_status=previous,
            details={"stage": decided_stage, "grounds": [ground["code"] for ground in chosen]},
        )
        notifications.notify_on_commit(
            notifications.send_decided, locked.pk, decision_pk=decision.pk
        )
    return decision


# Entry and expiry --------------------------------------------------------------------------


def case_record_entry(
    *,
    actor: User | None,
    case: Case,
    entered_on: date,
    source: str,
    version: int | None = None,
) -> Case:
    """The holder entered with the visa: the visa is used and the permit stage begins.

    Called for an officer's record or a border-control movement. The permit
    stage's deadline runs from the entry date. With ``version`` (the one the
    officer saw), a case changed meanwhile is a ``CONFLICT``.
    """

    with transaction.atomic():
        locked, programme = lock_case(case, actor, Action.RECORD_ENTRY, version)
        visa = (
            IssuedDocument.objects.select_for_update()
            .filter(case=locked, kind=IssuedDocument.Kind.VISA, used_on__isnull=True)
            .first()
        )
        if visa is None or not visa.valid_from <= entered_on <= visa.valid_until:
            raise CaseError(CaseErrorCode.DATE_OUT_OF_RANGE)
        previous = apply_transition(locked, programme, Action.RECORD_ENTRY)
        locked.stage_started_on = entered_on
        deadline = programme.optional_value(
            programme.stage(locked.stage).decision_deadline_parameter, entered_on
        )
        locked.deadline = add_duration(entered_on, deadline.value) if deadline else None
        locked.assignee = None
        locked.save()
        visa.used_on = entered_on
        visa.save(update_fields=["used_on"])
        record_change(
            case=locked,
            actor=actor,
            audit=EventType.ENTRY_RECORDED,
            timeline=CaseEventType.ENTRY_RECORDED,
            from_status=previous,
            details={"entered_on": entered_on.isoformat(), "source": source},
        )
    return locked


def case_expire_visa(*, case: Case, today: date) -> Case:
    """The daily check: a visa not used by the end of its validity closes the case."""

    with transaction.atomic():
        locked, programme = lock_case(case, None, Action.EXPIRE, None)
        visa = (
            IssuedDocument.objects.select_for_update()
            .filter(case=locked, kind=IssuedDocument.Kind.VISA, used_on__isnull=True)
            .first()
        )
        if visa is None or visa.valid_until >= today:
            raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED)
        previous = apply_transition(locked, programme, Action.EXPIRE)
        locked.save()
        visa.expired_unused_on = today
        visa.save(update_fields=["expired_unused_on"])
        record_change(
            case=locked,
            actor=None,
            audit=EventType.VISA_EXPIRED,
            timeline=CaseEventType.DOCUMENT_EXPIRED,
            from_status=previous,
            details={"number": visa.number, "valid_until": visa.valid_until.isoformat()},
        )
    return locked


# Deadlines ---------------------------------------------------------------------------------


def case_mark_deadline_missed(*, case: Case, today: date) -> bool:
    """The daily check: the stage's deadline passed with the case still undecided.

    Records the day on the case, an internal timeline entry and an audit
    event; the status does not change (the applicant's status page shows
    the deadline as passed from the deadline itself). Returns False, and
    changes nothing, when the case was marked already for this stage.
    """
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.deadline_missed_on is not None:
            return False
        require(None, Action.MARK_DEADLINE_MISSED, locked)
        if locked.deadline is None or locked.deadline >= today:
            raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED)
        locked.deadline_missed_on = today
        locked.save(update_fields=["deadline_missed_on"])
        details = {"stage": locked.stage, "deadline": locked.deadline.isoformat()}
        record_change(
            case=locked,
            actor=None,
            audit=EventType.DEADLINE_MISSED,
            timeline=CaseEventType.DEADLINE_MISSED,
            visible=False,
            details=details,
        )
    return True
