"""Twenty officials decide the same case at the same moment: one decision, nineteen conflicts.

Each thread has its own database connection, reads the case as an official
opening the page would, waits at a barrier, then approves or refuses with the
version it saw. On SQLite the IMMEDIATE transactions serialise the writers
(each waits for the lock up to the busy timeout in settings); on PostgreSQL
the row lock does. Whoever comes second finds another version: CONFLICT.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.chain import verify_chain
from haven.audit.models import AuditEvent, EventType
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case, CaseEvent, CaseEventType, Decision
from haven.casework import applicant_actions, official_actions
from haven.issuance.models import IssuedDocument
from tests.cases.helpers import complete_draft

OFFICIALS = 20
WON = "won"


@pytest.mark.django_db(transaction=True)
def test_twenty_officials_deciding_at_once_give_exactly_one_decision(
    make_user: Callable[..., User],
) -> None:
    applicant = make_user(Role.APPLICANT)
    case = applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant))
    officials = [make_user(Role.CONSULAR_OFFICER, mfa=False) for _ in range(OFFICIALS)]
    case = official_actions.case_start_review(officer=officials[0], case=case)
    seen_version = case.version
    barrier = threading.Barrier(OFFICIALS)
    results: list[Any] = [None] * OFFICIALS

    def decide(index: int) -> None:
        try:
            official = User.objects.get(pk=officials[index].pk)
            seen = Case.objects.get(pk=case.pk)  # as the official's page showed it
            barrier.wait(timeout=60)
            if index % 2 == 0:
                official_actions.case_approve(officer=official, case=seen, version=seen_version)
            else:
                official_actions.case_refuse(
                    officer=official,
                    case=seen,
                    version=seen_version,
                    grounds=["security"],
                    explanation="Refused in the interests of state security.",
                )
            results[index] = WON
        except CaseError as error:
            results[index] = error.code
        except BaseException as error:  # pragma: no cover - reported by the assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(index,)) for index in range(OFFICIALS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert results.count(WON) == 1, results
    assert results.count(CaseErrorCode.CONFLICT) == OFFICIALS - 1, results
    winner = results.index(WON)
    case.refresh_from_db()
    decision = Decision.objects.get(case=case)
    assert decision.decided_by_id == officials[winner].pk
    if winner % 2 == 0:
        assert (case.status, decision.outcome) == ("visa_granted", "approved")
        assert IssuedDocument.objects.filter(case=case).count() == 1
    else:
        assert (case.status, decision.outcome) == ("visa_refused", "refused")
        assert not IssuedDocument.objects.filter(case=case).exists()
    decided = CaseEvent.objects.filter(
        case=case, type__in=[CaseEventType.APPROVED, CaseEventType.REFUSED]
    )
    assert decided.count() == 1
    assert decided.get().from_status == "visa_in_review"
    assert (
        AuditEvent.objects.filter(
            event_type__in=[EventType.CASE_APPROVED, EventType.CASE_REFUSED]
        ).count()
        == 1
    )
    assert verify_chain().intact
    call_command("audit", "verify")  # the operators' check: exit 0 when intact
