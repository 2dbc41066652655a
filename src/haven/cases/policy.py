"""Who may do what to a case: one table, and the one function that reads it.

Open this file to answer "who may do X to this case?". Each action on a case
names the parties who may take it; *when* it may be taken is the transition
table's answer (``haven.cases.transitions``) for the actions that move a case,
and ``WHEN`` below for those that do not. ``may()`` reads both. Every action
function calls ``require()`` on the locked case before it writes; the views
and the API fetch cases through the ``access_*`` selectors, which read the
same table; the URL authorisation test and ``docs/architecture.md`` are
generated from it.

The parties:

- ``OWNER``: the applicant whose application it is.
- ``STAGE_AUTHORITY``: an official of the authority that handles the case's
  current stage (``haven.cases.authorities``), on a submitted case. With
  ``assigned_only``, the official must also be the case's assignee.
- ``DECIDING_AUTHORITY``: an official of an authority that decided an earlier
  stage of the case (they may still read it).
- ``SYSTEM``: Haven itself, with no user: the daily checks, and border
  control's systems reporting an entry.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from haven.accounts.models import User
from haven.cases.authorities import officer_authorities
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case, Decision
from haven.cases.states import AWAITING_DECISION, DRAFT, StageState, state_of
from haven.cases.transitions import ENTRY_DOCUMENT_ACTIONS, Action, states_allowing, transition
from haven.rules.programme import Programme
from haven.rules.selectors import programme_get


class Party(enum.StrEnum):
    OWNER = "owner"
    STAGE_AUTHORITY = "stage_authority"
    DECIDING_AUTHORITY = "deciding_authority"
    SYSTEM = "system"


PARTY_DESCRIPTIONS: dict[Party, str] = {
    Party.OWNER: "the applicant whose application it is",
    Party.STAGE_AUTHORITY: "an official of the authority of the case's current stage",
    Party.DECIDING_AUTHORITY: "an official of an authority that decided an earlier stage",
    Party.SYSTEM: "Haven itself (daily checks, border control's systems)",
}


@dataclass(frozen=True)
class Rule:
    parties: frozenset[Party]
    # The official must be the case's assignee (for authorities that assign before deciding).
    assigned_only: bool = False


def _rule(*parties: Party, assigned_only: bool = False) -> Rule:
    return Rule(frozenset(parties), assigned_only)


POLICY: dict[Action, Rule] = {
    # The applicant's own application.
    Action.EDIT_DRAFT: _rule(Party.OWNER),
    Action.SUBMIT: _rule(Party.OWNER),
    Action.WITHDRAW: _rule(Party.OWNER),
    Action.ANSWER_INFORMATION: _rule(Party.OWNER),
    # Reading a case: its applicant, and the officials who handle it now or decided it before.
    Action.VIEW: _rule(Party.OWNER, Party.STAGE_AUTHORITY, Party.DECIDING_AUTHORITY),
    # Casework, by the authority of the current stage.
    Action.ASSIGN: _rule(Party.STAGE_AUTHORITY),
    Action.UNASSIGN: _rule(Party.STAGE_AUTHORITY),
    Action.START_REVIEW: _rule(Party.STAGE_AUTHORITY),
    Action.ADD_NOTE: _rule(Party.STAGE_AUTHORITY),
    Action.CHECK_DOCUMENT: _rule(Party.STAGE_AUTHORITY),
    Action.REQUEST_INFORMATION: _rule(Party.STAGE_AUTHORITY),
    Action.APPROVE: _rule(Party.STAGE_AUTHORITY),
    Action.REFUSE: _rule(Party.STAGE_AUTHORITY),
    # The entry with a visa: border control's systems, or the consulate's officer by hand.
    Action.RECORD_ENTRY: _rule(Party.SYSTEM, Party.STAGE_AUTHORITY),
    # The daily checks.
    Action.EXPIRE: _rule(Party.SYSTEM),
    Action.MARK_DEADLINE_MISSED: _rule(Party.SYSTEM),
    # A permit holder's annual notifications, recorded by the authority that issued the permit.
    Action.RECORD_NOTIFICATION: _rule(Party.STAGE_AUTHORITY),
}


@dataclass(frozen=True)
class When:
    """When an action that leaves the status as it is may be taken."""

    description: str
    holds: Callable[[Case, Programme], bool]


# The actions that do not move a case between statuses, and when each may be taken.
WHEN: dict[Action, When] = {
    Action.EDIT_DRAFT: When("a draft", lambda case, _programme: case.status == DRAFT),
    Action.VIEW: When("always", lambda _case, _programme: True),
    Action.ASSIGN: When("any status but draft", lambda case, _programme: case.status != DRAFT),
    Action.UNASSIGN: When("any status but draft", lambda case, _programme: case.status != DRAFT),
    Action.ADD_NOTE: When("any status but draft", lambda case, _programme: case.status != DRAFT),
    Action.CHECK_DOCUMENT: When(
        StageState.IN_REVIEW, lambda case, _programme: state_of(case) == StageState.IN_REVIEW
    ),
    Action.MARK_DEADLINE_MISSED: When(
        ", ".join(AWAITING_DECISION),
        lambda case, _programme: state_of(case) in AWAITING_DECISION,
    ),
    Action.RECORD_NOTIFICATION: When(
        "granted, at a stage that issues a permit",
        lambda case, programme: (
            state_of(case) == StageState.GRANTED and programme.stage(case.stage).issues.is_permit
        ),
    ),
}


def _party_holds(
    party: Party, user: User | None, case: Case, programme: Programme, rule: Rule
) -> bool:
    if party is Party.SYSTEM:
        return user is None
    if user is None or not user.is_authenticated:
        return False
    if party is Party.OWNER:
        return case.applicant_id == user.pk
    if case.status == DRAFT:
        return False  # officials never see a draft
    authorities = officer_authorities(user)
    if party is Party.STAGE_AUTHORITY:
        return programme.stage(case.stage).authority in authorities and (
            not rule.assigned_only or case.assignee_id == user.pk
        )
    decided = Decision.objects.filter(case=case).values_list("stage", flat=True)
    return any(_authority_of(programme, stage) in authorities for stage in decided)


def may_act_as(user: User | None, action: Action, case: Case, programme: Programme) -> bool:
    """Whether ``user`` (``None``: Haven itself) is among the parties who may take ``action``."""
    rule = POLICY[action]
    return any(_party_holds(party, user, case, programme, rule) for party in rule.parties)


def allowed_now(action: Action, case: Case, programme: Programme) -> bool:
    """Whether the case's status allows ``action`` (the transition table, or ``WHEN``)."""
    when = WHEN.get(action)
    if when is not None:
        return when.holds(case, programme)
    return transition(programme, case.status, action) is not None


def may(user: User | None, action: Action, case: Case, programme: Programme | None = None) -> bool:
    """Whether ``user`` may take ``action`` on ``case`` now: the one answer, from the tables."""
    programme = programme or programme_get(case.programme)
    return may_act_as(user, action, case, programme) and allowed_now(action, case, programme)


def require(
    user: User | None, action: Action, case: Case, programme: Programme | None = None
) -> None:
    """``may``, for action functions: raises ``CaseError`` with the reason, changes nothing.

    ``NOT_PERMITTED`` when the user is not among the action's parties,
    ``ACTION_NOT_ALLOWED`` when the case's status does not allow it.
    """
    programme = programme or programme_get(case.programme)
    if not may_act_as(user, action, case, programme):
        raise CaseError(CaseErrorCode.NOT_PERMITTED)
    if not allowed_now(action, case, programme):
        raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED)


def actions_for(user: User, case: Case, candidates: Iterable[Action]) -> list[Action]:
    """Of ``candidates``, those ``user`` may take on ``case`` now, in the given order."""
    programme = programme_get(case.programme)
    return [action for action in candidates if may(user, action, case, programme)]


def _authority_of(programme: Programme, stage_id: str) -> str | None:
    try:
        return programme.stage(stage_id).authority
    except KeyError:
        return None


def viewable_case_ids(user: User | object, cases: Iterable[Case]) -> set[int]:
    """The pks of ``cases`` an official may ``VIEW``, for many cases at once.

    The same answer as ``may(user, Action.VIEW, case)`` for an official: the
    authority of the current stage, or of a stage decided before. One query
    for the decisions, whatever the number of cases.
    """
    authorities = officer_authorities(user)
    if not authorities:
        return set()
    programmes: dict[str, Programme] = {}

    def authority_of(programme_id: str, stage_id: str) -> str | None:
        if programme_id not in programmes:
            programmes[programme_id] = programme_get(programme_id)
        return _authority_of(programmes[programme_id], stage_id)

    allowed: set[int] = set()
    elsewhere: dict[int, Case] = {}
    for case in cases:
        if case.status == DRAFT:
            continue
        if authority_of(case.programme, case.stage) in authorities:
            allowed.add(case.pk)
        else:
            elsewhere[case.pk] = case
    if elsewhere:
        decided = Decision.objects.filter(case_id__in=elsewhere).values_list("case_id", "stage")
        for case_id, stage_id in decided:
            if authority_of(elsewhere[case_id].programme, stage_id) in authorities:
                allowed.add(case_id)
    return allowed


POLICY_TABLE_START = "<!-- policy table: generated by `haven cases policy`, do not edit -->"
POLICY_TABLE_END = "<!-- end of the policy table -->"


def _states_text(action: Action) -> str:
    text = ", ".join(states_allowing(action))
    if action in ENTRY_DOCUMENT_ACTIONS:
        text += ", at a stage whose document is used to enter"
    return text


def policy_markdown() -> str:
    """The policy table as Markdown, between its markers (``docs/architecture.md`` holds it)."""
    lines = [
        POLICY_TABLE_START,
        "",
        "| action | who may take it | when (the case's status or state) |",
        "|---|---|---|",
    ]
    for action, rule in POLICY.items():
        who = "; ".join(PARTY_DESCRIPTIONS[party] for party in Party if party in rule.parties)
        if rule.assigned_only:
            who += " (the assigned one)"
        when = WHEN[action].description if action in WHEN else _states_text(action)
        lines.append(f"| `{action.value}` | {who} | {when} |")
    return "\n".join([*lines, "", POLICY_TABLE_END])


def with_policy_table(document: str) -> str:
    """``document`` with the text between the policy table's markers replaced by the table."""
    start = document.index(POLICY_TABLE_START)
    end = document.index(POLICY_TABLE_END) + len(POLICY_TABLE_END)
    return document[:start] + policy_markdown() + document[end:]
