"""The case lifecycle as a state machine: random sequences of real actions keep every invariant.

Hypothesis drives a few cases through the actions of ``haven.casework``, taken by the
applicant, by another applicant, by an officer of each authority (the consulate, which
decides the visa, and the migration service, which decides the permit) and by Haven
itself, in any order, allowed or not. After every step, for every case:

- its status is one the programme's transition table knows, and it is the stage and the
  state together (``status_of``);
- each timeline entry that moved the case is a move the table allows;
- each timeline entry has its audit event (the same count of each kind);

and every action that changed anything was one ``policy.may`` allowed beforehand, while
every action that was refused changed nothing at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.cases.errors import CaseError
from haven.cases.models import Case, CaseEvent, CaseEventType, InformationRequest
from haven.cases.policy import may
from haven.cases.transitions import DRAFT, Action, programme_table, status_of
from haven.casework import applicant_actions, official_actions
from haven.documents.actions import document_upload
from haven.documents.models import Document
from haven.issuance.models import IssuedDocument
from haven.issuance.regions import region_choices
from haven.rules.selectors import programme_get
from tests.cases.helpers import PASSPORT, PERSON, image_upload

PROGRAMME = "shared-values"
MAX_CASES = 3
# Each timeline entry's audit event (``record_change`` writes the two together).
AUDIT_OF: dict[str, str] = {
    CaseEventType.DRAFT_STARTED: EventType.CASE_STARTED,
    CaseEventType.SUBMITTED: EventType.CASE_SUBMITTED,
    CaseEventType.REVIEW_STARTED: EventType.CASE_REVIEW_STARTED,
    CaseEventType.INFORMATION_REQUESTED: EventType.INFORMATION_REQUESTED,
    CaseEventType.INFORMATION_PROVIDED: EventType.INFORMATION_PROVIDED,
    CaseEventType.APPROVED: EventType.CASE_APPROVED,
    CaseEventType.REFUSED: EventType.CASE_REFUSED,
    CaseEventType.WITHDRAWN: EventType.CASE_WITHDRAWN,
    CaseEventType.ASSIGNED: EventType.CASE_ASSIGNED,
    CaseEventType.UNASSIGNED: EventType.CASE_UNASSIGNED,
    CaseEventType.DOCUMENT_ISSUED: EventType.DOCUMENT_ISSUED,
    CaseEventType.ENTRY_RECORDED: EventType.ENTRY_RECORDED,
    CaseEventType.DOCUMENT_EXPIRED: EventType.VISA_EXPIRED,
    CaseEventType.DEADLINE_MISSED: EventType.DEADLINE_MISSED,
    CaseEventType.NOTIFICATION_RECORDED: EventType.NOTIFICATION_RECORDED,
}
SECTIONS = ("about-you", "passport", "declaration", "passport_scan", "photo")


@dataclass(frozen=True)
class Actors:
    applicant: User
    stranger: User  # another applicant
    consul: User
    migration: User

    def named(self, who: str) -> User | None:
        """The actor called ``who`` in ``ACTORS``; "haven" is Haven itself (None)."""
        return None if who == "haven" else getattr(self, who)


ACTORS = ("applicant", "stranger", "consul", "migration", "haven")


def _refusal_ground(case: Case) -> str:
    programme = programme_get(case.programme)
    parameter = programme.optional_value(
        programme.stage(case.stage).refusal_grounds_parameter, timezone.localdate()
    )
    return parameter.value[0]["code"] if parameter else "none"


def _take(action: Action, actor: Any, case: Case) -> None:
    """Take ``action`` on ``case`` as ``actor`` (None: Haven itself), through its function."""
    today = timezone.localdate()
    if action is Action.SUBMIT:
        applicant_actions.case_submit(actor=actor, case=case)
    elif action is Action.WITHDRAW:
        applicant_actions.case_withdraw(actor=actor, case=case)
    elif action is Action.ANSWER_INFORMATION:
        applicant_actions.case_answer_information(
            applicant=actor, case=case, answer="My employer's letter is on its way."
        )
    elif action is Action.START_REVIEW:
        official_actions.case_start_review(officer=actor, case=case, version=case.version)
    elif action is Action.REQUEST_INFORMATION:
        official_actions.case_request_information(
            officer=actor,
            case=case,
            version=case.version,
            message="Please send your employer's letter.",
            due_on=today + timedelta(days=14),
        )
    elif action is Action.CHECK_DOCUMENT:
        codes = official_actions.checklist_codes(programme_get(case.programme), case.stage, today)
        for code in codes:
            official_actions.case_check_document(officer=actor, case=case, code=code, checked=True)
    elif action is Action.APPROVE:
        official_actions.case_approve(
            officer=actor, case=case, version=case.version, region=region_choices()[0][0]
        )
    elif action is Action.REFUSE:
        official_actions.case_refuse(
            officer=actor,
            case=case,
            version=case.version,
            grounds=[_refusal_ground(case)],
            explanation="The conditions of the programme are not met.",
        )
    elif action is Action.RECORD_ENTRY:
        official_actions.case_record_entry(
            actor=actor, case=case, entered_on=today, source="test", version=None
        )
    elif action is Action.EXPIRE:
        visa = IssuedDocument.objects.filter(case=case, kind=IssuedDocument.Kind.VISA).first()
        on = visa.valid_until + timedelta(days=1) if visa else today
        official_actions.case_expire_visa(case=case, today=on)
    else:  # pragma: no cover - the strategy draws only the actions above
        raise AssertionError(action)


ACTIONS = [
    Action.SUBMIT,
    Action.WITHDRAW,
    Action.ANSWER_INFORMATION,
    Action.START_REVIEW,
    Action.REQUEST_INFORMATION,
    Action.CHECK_DOCUMENT,
    Action.APPROVE,
    Action.REFUSE,
    Action.RECORD_ENTRY,
    Action.EXPIRE,
]
# Haven itself takes these only; the other actions name a person.
SYSTEM_ONLY = {Action.EXPIRE}


def _snapshot(case_id: int) -> tuple[Any, ...]:
    """Everything a refused action must leave as it was."""
    case = Case.objects.get(pk=case_id)
    return (
        case.status,
        case.stage,
        case.state,
        case.version,
        case.assignee_id,
        case.reference,
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Document.objects.count(),
        InformationRequest.objects.count(),
        IssuedDocument.objects.count(),
    )


def _edit(section: str, actor: User, case: Case) -> None:
    """Save one section of the draft as ``actor``, through its action."""
    if section == "about-you":
        applicant_actions.case_update_person(actor=actor, case=case, data=PERSON)
    elif section == "passport":
        applicant_actions.case_update_passport(actor=actor, case=case, data=PASSPORT)
    elif section == "declaration":
        applicant_actions.case_sign_declaration(
            actor=actor, case=case, full_name="Anna Maria Schmidt", statement="", language="en"
        )
    else:
        document_upload(
            actor=actor,
            case=case,
            kind=section,
            uploaded_file=image_upload(f"{section}.png"),
            allowed_kinds=("passport_scan", "photo"),
        )


class CaseLifecycle(RuleBasedStateMachine):
    """A few cases of one applicant, and everyone acting on them; ``actors`` set by the test."""

    actors: ClassVar[Actors]
    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.case_ids: list[int] = []
        self.table = programme_table(programme_get(PROGRAMME))
        self.moves = {
            (move.from_status, move.to_status)
            for moves in self.table.values()
            for move in moves.values()
        }

    def _start(self) -> int:
        case = applicant_actions.case_start(applicant=self.actors.applicant, programme_id=PROGRAMME)
        self.case_ids.append(case.pk)
        return case.pk

    def _attempt(self, case_id: int, allowed: bool, do: Callable[[], None]) -> None:
        before = _snapshot(case_id)
        try:
            do()
        except CaseError:
            assert _snapshot(case_id) == before, "a refused action changed something"
            return
        if _snapshot(case_id) != before:
            assert allowed, "an action the policy refused changed the case"

    @initialize(target=cases)
    def start(self) -> int:
        return self._start()

    @precondition(lambda self: len(self.case_ids) < MAX_CASES)
    @rule(target=cases)
    def start_another(self) -> int:
        return self._start()

    @rule(
        case_id=cases,
        section=st.sampled_from(SECTIONS),
        who=st.sampled_from(["applicant", "stranger", "consul"]),
    )
    def edit(self, case_id: int, section: str, who: str) -> None:
        actor = getattr(self.actors, who)
        case = Case.objects.get(pk=case_id)
        allowed = may(actor, Action.EDIT_DRAFT, case)
        self._attempt(case_id, allowed, lambda: _edit(section, actor, case))

    @rule(case_id=cases)
    def fill_in(self, case_id: int) -> None:
        """The applicant fills in every section, so that drafts get submitted often."""
        for section in SECTIONS:
            self.edit(case_id=case_id, section=section, who="applicant")

    @rule(case_id=cases, action=st.sampled_from(ACTIONS), who=st.sampled_from(ACTORS))
    def act(self, case_id: int, action: Action, who: str) -> None:
        actor = None if action in SYSTEM_ONLY else self.actors.named(who)
        case = Case.objects.get(pk=case_id)
        allowed = may(actor, action, case)
        self._attempt(case_id, allowed, lambda: _take(action, actor, case))

    @rule(case_id=cases, steps=st.integers(1, 5), data=st.data())
    def advance(self, case_id: int, steps: int, data: st.DataObject) -> None:
        """Actions the policy allows now, by one who may take them: progress.

        Withdrawal, which ends a case, is left to ``act``, so cases get far.
        """
        for _step in range(steps):
            case = Case.objects.get(pk=case_id)
            allowed = [
                (action, who)
                for action in ACTIONS
                if action is not Action.WITHDRAW
                for who in ACTORS
                if may(None if action in SYSTEM_ONLY else self.actors.named(who), action, case)
            ]
            if not allowed:
                return
            action, who = data.draw(st.sampled_from(allowed), label="allowed")
            self.act(case_id=case_id, action=action, who=who)

    @invariant()
    def statuses_are_the_tables(self) -> None:
        for case in Case.objects.filter(pk__in=self.case_ids):
            assert case.status in self.table, case.status
            if case.state == DRAFT:  # outside any stage; ``status_of`` knows only withdrawn
                assert case.status == DRAFT
                assert case.reference is None
            else:
                assert case.status == status_of(case.stage, case.state), case

    @invariant()
    def timeline_moves_are_the_tables(self) -> None:
        for entry in CaseEvent.objects.filter(case_id__in=self.case_ids):
            assert entry.to_status in self.table, entry.to_status
            if entry.from_status and entry.from_status != entry.to_status:
                moved = (entry.from_status, entry.to_status)
                assert moved in self.moves, (entry.type, moved)

    @invariant()
    def every_timeline_entry_has_its_audit_event(self) -> None:
        for case in Case.objects.filter(pk__in=self.case_ids):
            kinds = CaseEvent.objects.filter(case=case).values_list("type", flat=True)
            timeline = Counter(AUDIT_OF[kind] for kind in kinds)
            about_case = AuditEvent.objects.filter(
                subject_type="cases.case", subject_id=str(case.pk)
            )
            audit = Counter(
                kind
                for kind in about_case.values_list("event_type", flat=True)
                if kind in AUDIT_OF.values()
            )
            if case.reference:  # an issued document is the subject of its own event
                audit[EventType.DOCUMENT_ISSUED] = AuditEvent.objects.filter(
                    event_type=EventType.DOCUMENT_ISSUED, details__case=case.reference
                ).count()
            assert +audit == +timeline, (case.pk, audit, timeline)


@pytest.mark.django_db
def test_random_action_sequences_keep_the_case_lifecycle_invariants(
    make_user: Callable[..., User], request: pytest.FixtureRequest
) -> None:
    # The examples share one database and leave drafts behind; the cap on drafts has tests
    # of its own (tests/cases/test_journey.py), the lifecycle is what is walked here.
    request.getfixturevalue("settings").HAVEN_MAX_DRAFTS_PER_PROGRAMME = 10_000
    actors = Actors(
        applicant=make_user(Role.APPLICANT),
        stranger=make_user(Role.APPLICANT),
        consul=make_user(Role.CONSULAR_OFFICER),
        migration=make_user(Role.MIGRATION_OFFICER),
    )
    run_state_machine_as_test(
        type("CaseLifecycleOfTheseActors", (CaseLifecycle,), {"actors": actors}),
        settings=settings(
            max_examples=10,
            stateful_step_count=30,
            deadline=None,  # bounded by the counts above; a step's time varies on CI
            database=None,  # no example database in the working tree
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
