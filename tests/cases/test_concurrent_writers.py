"""Twenty applicants writing at the same moment: every write succeeds, none is "locked".

Each thread has its own database connection, as each of twenty server workers would:
it starts an application, saves "About you" again and again, fills in the rest,
submits, and appends an audit event of its own, all after a common barrier. On
SQLite (the test database is a file, in WAL mode) the writers queue for the one
write lock: IMMEDIATE transactions take it when they begin, so none fails halfway
for a lock it cannot upgrade to, and each waits up to the busy timeout in settings
instead of answering "database is locked". On PostgreSQL the row locks do the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.actions import audit_record
from haven.audit.chain import verify_chain
from haven.audit.models import AuditEvent, EventType
from haven.cases.models import Case, CaseEvent, CaseEventType
from haven.casework import applicant_actions
from tests.cases.helpers import PERSON, complete_draft

WRITERS = 20
SAVES = 3
DONE = "done"


@pytest.mark.django_db(transaction=True)
def test_twenty_writers_at_once_all_succeed(make_user: Callable[..., User]) -> None:
    applicants = [make_user(Role.APPLICANT) for _ in range(WRITERS)]
    barrier = threading.Barrier(WRITERS)
    results: list[Any] = [None] * WRITERS

    def write(index: int) -> None:
        try:
            applicant = User.objects.get(pk=applicants[index].pk)
            barrier.wait(timeout=60)
            case = complete_draft(applicant)
            for number in range(SAVES):
                applicant_actions.case_update_person(
                    actor=applicant,
                    case=case,
                    data={**PERSON, "phone": f"+49 341 {index:04d}{number:03d}"},
                )
            applicant_actions.case_submit(actor=applicant, case=case)
            audit_record(
                event_type=EventType.CASE_VIEWED, actor=applicant, subject=case, details={}
            )
            results[index] = DONE
        except BaseException as error:  # reported by the assertions, "database is locked" too
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert results == [DONE] * WRITERS, [result for result in results if result != DONE]
    cases = Case.objects.filter(applicant__in=applicants)
    assert sorted(cases.values_list("status", flat=True)) == ["visa_submitted"] * WRITERS
    assert len(set(cases.values_list("reference", flat=True))) == WRITERS
    assert CaseEvent.objects.filter(case__in=cases, type=CaseEventType.SUBMITTED).count() == WRITERS
    assert AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED).count() == WRITERS
    updates = AuditEvent.objects.filter(
        event_type=EventType.CASE_UPDATED, details__section="about-you"
    )
    # complete_draft's save fills the form in; each of the others changes the phone number.
    assert updates.count() == WRITERS * (1 + SAVES)
    assert verify_chain().intact
