"""The policy table is the law of who may act: every action function obeys it.

The walk takes a case to every status of "shared values" through the real
actions, then tries every action as every party: the applicant who owns the
case, another applicant, an official of each role, and Haven itself. Where
``policy.may`` says no, the action function refuses with ``NOT_PERMITTED`` or
``ACTION_NOT_ALLOWED`` and nothing is written; where it says yes, the action
function does not refuse for either reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases import policy
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case, CaseEvent, CaseNote, DocumentCheck, InformationRequest
from haven.cases.policy import POLICY, WHEN, Party, may
from haven.cases.transitions import Action, programme_table
from haven.casework import applicant_actions, official_actions
from haven.documents.models import Document
from haven.issuance.actions import permit_notification_record
from haven.issuance.models import IssuedDocument, PermitNotification
from haven.rules.selectors import programme_get
from tests.cases.applicant_helpers import approve, refuse, reload, request_information
from tests.cases.helpers import complete_draft

pytestmark = pytest.mark.django_db(transaction=False)

PROGRAMME = "shared-values"
REFUSALS = {"refused"}
SYSTEM = "system"


def _today() -> date:
    return timezone.localdate()


def _checklist(case: Case) -> tuple[str, ...]:
    return official_actions.checklist_codes(programme_get(PROGRAMME), case.stage, _today())


def _ground(case: Case) -> str:
    grounds = programme_get(PROGRAMME).value(f"{case.stage}_refusal_grounds", _today())
    assert grounds is not None
    return str(grounds.value[0]["code"])


# How each action function is called by a user (None: Haven itself) on a case.
CALLS: dict[Action, Callable[[Any, Case], object]] = {
    Action.EDIT_DRAFT: lambda user, case: applicant_actions.case_update_person(
        actor=user, case=case, data={"birth_place": "Dresden"}
    ),
    Action.SUBMIT: lambda user, case: applicant_actions.case_submit(actor=user, case=case),
    Action.WITHDRAW: lambda user, case: applicant_actions.case_withdraw(actor=user, case=case),
    Action.ANSWER_INFORMATION: lambda user, case: applicant_actions.case_answer_information(
        applicant=user, case=case, answer="The scan, sharper."
    ),
    Action.ASSIGN: lambda user, case: official_actions.case_assign(
        officer=user, case=case, assignee=user
    ),
    Action.UNASSIGN: lambda user, case: official_actions.case_unassign(officer=user, case=case),
    Action.START_REVIEW: lambda user, case: official_actions.case_start_review(
        officer=user, case=case
    ),
    Action.ADD_NOTE: lambda user, case: official_actions.case_note_add(
        officer=user, case=case, text="Called the consulate."
    ),
    Action.CHECK_DOCUMENT: lambda user, case: official_actions.case_check_document(
        officer=user, case=case, code=(_checklist(case) or ("fee_receipt",))[0], checked=False
    ),
    Action.REQUEST_INFORMATION: lambda user, case: official_actions.case_request_information(
        officer=user,
        case=case,
        version=case.version,
        message="Send the page with your photo.",
        due_on=_today() + timedelta(days=14),
    ),
    Action.APPROVE: lambda user, case: official_actions.case_approve(
        officer=user, case=case, version=case.version, region="RU-MOW"
    ),
    Action.REFUSE: lambda user, case: official_actions.case_refuse(
        officer=user,
        case=case,
        version=case.version,
        grounds=[_ground(case)],
        explanation="The documents do not match.",
    ),
    Action.RECORD_ENTRY: lambda user, case: official_actions.case_record_entry(
        actor=user, case=case, entered_on=_today(), source="officer" if user else "border"
    ),
    Action.EXPIRE: lambda _user, case: official_actions.case_expire_visa(
        case=case, today=_today() + timedelta(days=400)
    ),
    Action.MARK_DEADLINE_MISSED: lambda _user, case: official_actions.case_mark_deadline_missed(
        case=case, today=_today() + timedelta(days=400)
    ),
    Action.RECORD_NOTIFICATION: lambda user, case: permit_notification_record(
        officer=user,
        notification=PermitNotification.objects.filter(document__case=case).order_by("year")[0],
        made_on=_today(),
    ),
}
# Only a case that holds a permit has notifications to record.
NEEDS_A_PERMIT = {Action.RECORD_NOTIFICATION}
# The daily checks' functions take no user: Haven itself is their only caller.
SYSTEM_ONLY = {Action.EXPIRE, Action.MARK_DEADLINE_MISSED}
# Border control's systems and officials both record entries.
BY_ANYONE_OR_SYSTEM = {Action.RECORD_ENTRY}
# Reading is a selector, walked in tests/cases/test_permissions.py and the URL matrix.
NOT_AN_ACTION_FUNCTION = {Action.VIEW}


@dataclass
class People:
    owner: User
    actors: dict[str, User | None]  # every party to try, by a readable name


@pytest.fixture
def people(make_user: Callable[..., User]) -> People:
    owner = make_user(Role.APPLICANT)
    actors: dict[str, User | None] = {
        "owner": owner,
        "another applicant": make_user(Role.APPLICANT),
        **{role.value: make_user(role) for role in Role if role != Role.APPLICANT},
        SYSTEM: None,
    }
    return People(owner, actors)


def _cases_in_every_status(people: People) -> dict[str, Case]:
    owner = people.owner
    consul = people.actors[Role.CONSULAR_OFFICER.value]
    migration = people.actors[Role.MIGRATION_OFFICER.value]
    assert consul is not None
    assert migration is not None

    def submitted() -> Case:
        return applicant_actions.case_submit(actor=owner, case=complete_draft(owner))

    def granted_visa() -> Case:
        case = submitted()
        approve(case, consul)
        return reload(case)

    def permit_stage() -> Case:
        case = granted_visa()
        return official_actions.case_record_entry(
            actor=consul, case=case, entered_on=_today(), source="officer"
        )

    def permit_in_review() -> Case:
        case = official_actions.case_start_review(officer=migration, case=permit_stage())
        for code in _checklist(case):
            case = official_actions.case_check_document(
                officer=migration, case=case, code=code, checked=True
            )
        return case

    cases = {
        "draft": complete_draft(owner),
        "visa_submitted": submitted(),
        "visa_in_review": official_actions.case_start_review(officer=consul, case=submitted()),
        "visa_granted": granted_visa(),
        "trp_submitted": permit_stage(),
        "trp_in_review": permit_in_review(),
    }
    case = submitted()
    request_information(case, consul)
    cases["visa_info_requested"] = reload(case)
    case = submitted()
    refuse(case, consul)
    cases["visa_refused"] = reload(case)
    cases["visa_expired"] = official_actions.case_expire_visa(
        case=granted_visa(), today=_today() + timedelta(days=400)
    )
    cases["withdrawn"] = applicant_actions.case_withdraw(actor=owner, case=submitted())
    case = permit_in_review()
    request_information(case, migration)
    cases["trp_info_requested"] = reload(case)
    case = permit_in_review()
    official_actions.case_approve(
        officer=migration, case=case, version=case.version, region="RU-MOW"
    )
    cases["trp_granted"] = reload(case)
    case = permit_in_review()
    refuse(case, migration, grounds=(_ground(case),))
    cases["trp_refused"] = reload(case)
    return cases


def _written(case: Case) -> tuple[Any, ...]:
    """Everything an action could write about the case."""
    row = Case.objects.get(pk=case.pk)
    return (
        row.status,
        row.stage,
        row.version,
        row.assignee_id,
        row.deadline_missed_on,
        CaseEvent.objects.filter(case=case).count(),
        AuditEvent.objects.count(),
        CaseNote.objects.filter(case=case).count(),
        DocumentCheck.objects.filter(case=case).count(),
        InformationRequest.objects.filter(case=case, answered_at__isnull=True).count(),
        IssuedDocument.objects.filter(case=case).count(),
        Document.objects.filter(case=case).count(),
        PermitNotification.objects.filter(document__case=case, made_on__isnull=False).count(),
    )


# Refusals by the table: not a party, or not in this status (a submitted application is
# "not a draft" for its edits; a case not waiting for an answer has "no open request").
def _holds_a_permit(case: Case) -> bool:
    return PermitNotification.objects.filter(document__case=case).exists()


REFUSED_FOR_POLICY = {
    CaseErrorCode.NOT_PERMITTED,
    CaseErrorCode.ACTION_NOT_ALLOWED,
    CaseErrorCode.NOT_A_DRAFT,
    CaseErrorCode.NO_OPEN_REQUEST,
}


def test_every_status_of_the_programme_is_walked(people: People) -> None:
    statuses = set(programme_table(programme_get(PROGRAMME)))
    assert set(_cases_in_every_status(people)) == statuses


def test_every_action_function_refuses_what_the_table_refuses_and_nothing_else(
    people: People,
) -> None:
    cases = _cases_in_every_status(people)
    walked = 0
    mismatches: list[str] = []
    for status, case in sorted(cases.items()):
        assert case.status == status
        for action, call in CALLS.items():
            for name, user in people.actors.items():
                if (user is None) != (action in SYSTEM_ONLY) and action not in BY_ANYONE_OR_SYSTEM:
                    continue
                fresh = reload(case)
                allowed = may(user, action, fresh)
                if action in NEEDS_A_PERMIT and not _holds_a_permit(fresh):
                    assert not allowed, f"{action} as {name} on {status} without a permit"
                    continue
                before = _written(fresh)
                refusal: CaseErrorCode | None = None
                with transaction.atomic():
                    try:
                        call(user, fresh)
                    except CaseError as error:
                        refusal = error.code
                    wrote = _written(fresh) != before
                    transaction.set_rollback(True)
                walked += 1
                refused = refusal in REFUSED_FOR_POLICY
                # Submitting again is answered with the application as it is (idempotent).
                repeat = action == Action.SUBMIT and refusal is None and not wrote
                if allowed and refused:
                    mismatches.append(f"{action} as {name} on {status}: allowed, refused {refusal}")
                if not allowed and (wrote or not (refused or repeat)):
                    mismatches.append(
                        f"{action} as {name} on {status}: not allowed, "
                        f"{'wrote' if wrote else 'answered ' + str(refusal)}"
                    )
    assert not mismatches, "\n".join(mismatches)
    assert walked > 1000


def test_the_table_names_every_action_and_when_it_may_be_taken() -> None:
    table_actions = {
        action
        for transitions in programme_table(programme_get(PROGRAMME)).values()
        for action in transitions
    }
    assert set(POLICY) == set(Action)
    # An action either moves a case (the transition table says when) or has a WHEN rule.
    assert not set(WHEN) & table_actions
    assert set(WHEN) | table_actions == set(Action)
    assert set(CALLS) | NOT_AN_ACTION_FUNCTION == set(Action)


def test_an_action_for_the_assigned_officer_only_refuses_a_colleague(
    people: People, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    consul = people.actors[Role.CONSULAR_OFFICER.value]
    assert consul is not None
    colleague = make_user(Role.CONSULAR_OFFICER)
    case = applicant_actions.case_submit(actor=people.owner, case=complete_draft(people.owner))
    case = official_actions.case_start_review(officer=consul, case=case)  # assigns it to consul
    monkeypatch.setitem(
        POLICY, Action.APPROVE, policy.Rule(frozenset({Party.STAGE_AUTHORITY}), assigned_only=True)
    )
    assert may(consul, Action.APPROVE, case)
    assert not may(colleague, Action.APPROVE, case)
    before = _written(case)
    with pytest.raises(CaseError) as error:
        official_actions.case_approve(officer=colleague, case=case, version=case.version)
    assert error.value.code == CaseErrorCode.NOT_PERMITTED
    assert _written(case) == before


def test_officials_never_act_on_a_draft(people: People) -> None:
    draft = complete_draft(people.owner)
    for name, user in people.actors.items():
        if name in ("owner", SYSTEM):
            continue
        assert not [action for action in Action if may(user, action, draft)], name
