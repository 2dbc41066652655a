"""Deleting a closed case's personal data once its programme's retention period has ended.

Each programme defines ``personal_data_retention`` (a duration, with its legal
basis: Federal Law No. 152-FZ art. 5 part 7 and Haven's reading of how long
a closed file is needed). The daily checks call ``personal_data_delete_due``;
for each closed case past that period, ``case_delete_personal_data`` deletes
the uploaded files and blanks everything that names or describes the person,
and keeps what the statistics count: the case's programme, stage, status and
dates, each person's role, sex, citizenships and country of residence, the
passport's issuing state, the decisions' outcomes and grounds, the issued
documents' kinds, numbers and validity, and the border crossings. ADR 20
says why.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.audit.models import EventType
from haven.cases.history import record_change
from haven.cases.models import (
    Case,
    CaseEvent,
    CaseEventType,
    CaseNote,
    Decision,
    Declaration,
    InformationRequest,
)
from haven.cases.states import WITHDRAWN, StageState
from haven.documents.actions import documents_erase
from haven.issuance.models import IssuedDocument
from haven.people.models import Passport, Person
from haven.rules.durations import add_duration
from haven.rules.programme import Programme
from haven.rules.selectors import programme_get

RETENTION_PARAMETER = "personal_data_retention"

# The states in which a case may be closed (``case_closed_on`` says whether it is).
CLOSING_STATES: tuple[str, ...] = (
    WITHDRAWN,
    StageState.REFUSED,
    StageState.EXPIRED,
    StageState.GRANTED,
)

# What is blanked on each person and passport: everything that names, reaches or
# describes the person beyond what the figures count.
PERSON_BLANKED: dict[str, Any] = {
    "surname": "",
    "given_names": "",
    "native_surname": "",
    "native_given_names": "",
    "birth_date": None,
    "birth_place": "",
    "address": "",
    "phone": "",
    "email": "",
    "name_key": "",
    "native_name_key": "",
}
PASSPORT_BLANKED: dict[str, Any] = {
    "number": "",
    "issue_date": None,
    "expiry_date": None,
    "mrz_line1": "",
    "mrz_line2": "",
}


def case_closed_on(case: Case, programme: Programme) -> date | None:
    """The day ``case`` closed, or None while it is open (a draft, waiting, or a visa unused yet).

    - withdrawn: the day of the last withdrawal on its timeline;
    - refused: the day the refusal of its current stage was decided;
    - a visa expired unused: the visa's ``expired_unused_on``;
    - granted at a stage that issues a permit: the permit's last valid day
      (``valid_until``), which may still be ahead.

    A case granted at a stage whose document is used to enter (a visa not
    used or expired yet) is open: it waits for the entry or the expiry.
    Days are Haven's local days.
    """
    if case.state == WITHDRAWN:
        withdrawn = (
            CaseEvent.objects.filter(case=case, type=CaseEventType.WITHDRAWN)
            .order_by("-occurred_at", "-pk")
            .values_list("occurred_at", flat=True)
            .first()
        )
        return timezone.localdate(withdrawn) if withdrawn else None
    if case.state == StageState.REFUSED:
        decided = (
            Decision.objects.filter(case=case, stage=case.stage, outcome=Decision.Outcome.REFUSED)
            .values_list("decided_at", flat=True)
            .first()
        )
        return timezone.localdate(decided) if decided else None
    issued = IssuedDocument.objects.filter(case=case, decision__stage=case.stage)
    if case.state == StageState.EXPIRED:
        return issued.values_list("expired_unused_on", flat=True).first()
    if case.state == StageState.GRANTED and programme.stage(case.stage).issues.is_permit:
        return issued.values_list("valid_until", flat=True).first()
    return None


def personal_data_due_on(case: Case, programme: Programme, today: date) -> date | None:
    """The first day on which the case's personal data is to be deleted; None while open.

    The period is the programme's ``personal_data_retention`` in force on
    ``today``: a shortened period applies to the files kept, a longer one
    cannot bring back what is gone. The data is kept through the period's
    last day (the day it closed plus the period) and deleted the day after.
    """
    closed = case_closed_on(case, programme)
    period = programme.value(RETENTION_PARAMETER, today)
    if closed is None or period is None:
        return None
    return add_duration(closed, period.value) + timedelta(days=1)


def case_delete_personal_data(*, case: Case, today: date) -> bool:
    """Delete the personal data of a closed case past its retention period; False if done before.

    Who: Haven itself, in the daily checks; no person can ask for it here.
    Deletes the uploaded files (``documents_erase``); blanks the people's
    names, birth date and place, address, phone, email and name keys, their
    passports' numbers, dates and machine-readable zones, the declaration's
    signed name and statement, the answers to requests for information, the
    officials' internal notes, the decisions' explanations, and the issued
    documents' machine-readable zones and holder's initials. Sets
    ``personal_data_deleted_on`` and records one ``PERSONAL_DATA_DELETED``
    audit event and internal timeline entry, with counts only.
    """
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.personal_data_deleted_on is not None:
            return False
        programme = programme_get(locked.programme)
        due = personal_data_due_on(locked, programme, today)
        if due is None or today < due:
            return False
        closed = case_closed_on(locked, programme)
        people = Person.objects.filter(case=locked).update(**PERSON_BLANKED)
        Passport.objects.filter(person__case=locked).update(**PASSPORT_BLANKED)
        Declaration.objects.filter(case=locked).update(full_name="", statement="")
        answers = InformationRequest.objects.filter(case=locked).exclude(answer="")
        answered = answers.update(answer="")
        CaseNote.objects.filter(case=locked).update(text="")
        Decision.objects.filter(case=locked).update(explanation="")
        IssuedDocument.objects.filter(case=locked).update(
            mrz_line1="", mrz_line2="", holder_initials=""
        )
        files = documents_erase(case=locked)
        locked.personal_data_deleted_on = today
        locked.save(update_fields=["personal_data_deleted_on"])
        record_change(
            case=locked,
            actor=None,
            audit=EventType.PERSONAL_DATA_DELETED,
            timeline=CaseEventType.PERSONAL_DATA_DELETED,
            from_status=locked.status,
            visible=False,
            details={
                "case": locked.pk,
                "reference": locked.reference,
                "closed_on": closed.isoformat() if closed else None,
                "people": people,
                "files": files,
                "answers": answered,
            },
        )
    return True


def personal_data_delete_due(today: date) -> int:
    """The daily check: delete the personal data of every closed case past its period.

    Open cases (drafts, waiting, granted and not yet over) are never read
    beyond their status, however old. Returns how many cases were done; a
    second run the same day does nothing.
    """
    candidates = Case.objects.filter(
        state__in=CLOSING_STATES, personal_data_deleted_on__isnull=True
    ).order_by("pk")
    deleted = 0
    for case in candidates.iterator():
        due = personal_data_due_on(case, programme_get(case.programme), today)
        if due is None or today < due:
            continue
        if case_delete_personal_data(case=case, today=today):
            deleted += 1
    return deleted
