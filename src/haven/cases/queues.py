"""The officials' queues: the cases waiting at an authority, filtered, sorted, counted.

A case is in an official's queue when its *current* stage is handled by an
authority the official works (``haven.cases.authorities``), under any
programme, and it is not a draft. A queue page costs the same few queries
however many cases there are and whichever page is shown: the applicant's
name and citizenships come in the page's own query, as subqueries.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, JSONField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.cases.authorities import authority_get, officer_authorities
from haven.cases.models import Case
from haven.cases.states import AWAITING_DECISION, state_in, state_or_withdrawn
from haven.cases.transitions import (
    DRAFT,
    STAGE_KINDS,
    WITHDRAWN,
    StageState,
    programme_table,
    status_of,
)
from haven.people.models import Person
from haven.rules.nationality import country_name
from haven.rules.programme import Programme
from haven.rules.selectors import programme_list
from haven.rules.vocabulary import NATIONALITY_WITHOUT_STATE_LABELS

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PAGE_SIZE = 50

# The default view: the states in which a case waits for a decision (AWAITING_DECISION).
OPEN = "open"
ALL = "all"

# How a status reads to officials (the applicant's wording is in ``presentation``).
STATE_LABELS: dict[str, Promise] = {
    StageState.SUBMITTED: _("Submitted"),
    StageState.IN_REVIEW: _("In review"),
    StageState.INFO_REQUESTED: _("Information requested"),
    StageState.GRANTED: _("Granted"),
    StageState.REFUSED: _("Refused"),
    StageState.EXPIRED: _("Expired unused"),
    WITHDRAWN: _("Withdrawn"),
}
STATE_ORDER = (*(state.value for state in StageState), WITHDRAWN)


class DeadlineWindow(enum.StrEnum):
    ANY = "any"
    OVERDUE = "overdue"
    WEEK = "7-days"
    MONTH = "30-days"


WINDOW_DAYS = {DeadlineWindow.WEEK: 7, DeadlineWindow.MONTH: 30}


class Sort(enum.StrEnum):
    DEADLINE = "deadline"
    DEADLINE_LATEST = "-deadline"
    SUBMITTED = "submitted"
    SUBMITTED_LATEST = "-submitted"


ORDERINGS: dict[Sort, tuple[Any, ...]] = {
    Sort.DEADLINE: (F("deadline").asc(nulls_last=True), "submitted_at", "pk"),
    Sort.DEADLINE_LATEST: (F("deadline").desc(nulls_last=True), "-submitted_at", "-pk"),
    Sort.SUBMITTED: ("submitted_at", "pk"),
    Sort.SUBMITTED_LATEST: ("-submitted_at", "-pk"),
}

# Who a case is assigned to; any other value is a colleague's user id.
ME = "me"
UNASSIGNED = "unassigned"
ANYONE = "anyone"


@dataclass(frozen=True)
class QueueStage:
    programme: str
    stage: str
    programme_title: str
    stage_title: str
    states: tuple[str, ...]  # the stage's states (StageState values) plus "withdrawn"


@dataclass(frozen=True)
class Colleague:
    pk: int
    name: str


@dataclass(frozen=True)
class QueueScope:
    """What an official's queue for one authority covers: its stages and its officials."""

    authority: str
    stages: tuple[QueueStage, ...]
    colleagues: tuple[Colleague, ...]  # the other officials of the authority

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(programme, stage) pairs, as ``haven.casework.official_actions.case_take_next`` takes them."""
        return [(stage.programme, stage.stage) for stage in self.stages]

    @property
    def programmes(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for stage in self.stages:
            seen.setdefault(stage.programme, stage.programme_title)
        return list(seen.items())

    @property
    def states(self) -> tuple[str, ...]:
        present = {state for stage in self.stages for state in stage.states}
        return tuple(state for state in STATE_ORDER if state in present)


@dataclass(frozen=True)
class QueueFilters:
    authority: str
    status: str = OPEN  # OPEN, ALL, a StageState value or "withdrawn"
    programme: str = ""  # "" for every programme
    nationality: str = ""  # a canonical code (haven.rules.nationality), "" for any
    deadline: DeadlineWindow = DeadlineWindow.ANY
    assignee: str = ANYONE  # ME, UNASSIGNED, ANYONE or a colleague's id
    sort: Sort = Sort.DEADLINE
    page: int | str = 1


@dataclass(frozen=True)
class QueueRow:
    case_id: int  # the case's pk, as the audit trail names a case
    public_id: uuid.UUID
    reference: str
    applicant_name: str
    nationalities: tuple[str, ...]
    programme: str
    stage: str
    state: str
    status_label: str
    deadline: date | None
    days_left: int | None  # None when there is no deadline or nothing is awaited
    submitted_at: datetime | None
    assignee_name: str
    assigned_to_me: bool
    version: int

    @property
    def awaiting(self) -> bool:
        return self.state in AWAITING_DECISION

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


@dataclass(frozen=True)
class StatusCount:
    status: str  # OPEN or a state
    label: str
    count: int


class ApplicantColumns(TypedDict):
    """What a queue page's query adds to each case, from the case's applicant."""

    applicant_surname: str | None
    applicant_given_names: str | None
    applicant_citizenships: list[str] | None


if TYPE_CHECKING:
    QueueCase: TypeAlias = WithAnnotations[Case, ApplicantColumns]
    _QueuePaginator: TypeAlias = Paginator[QueueCase]
else:
    _QueuePaginator = Paginator  # Django's Paginator is not subscriptable at run time


@dataclass(frozen=True)
class QueuePage:
    page: Page[QueueCase]  # the Django page, for its number and neighbours
    rows: list[QueueRow]
    counts: tuple[StatusCount, ...]  # OPEN first, then each state with cases or chosen
    scope: QueueScope
    filters: QueueFilters
    today: date

    @property
    def total(self) -> int:
        return self.page.paginator.count


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def stage_title(programme: Programme, stage_id: str, language: str) -> str:
    try:
        return programme.localised(programme.stage(stage_id).title, language)
    except KeyError:
        return stage_id


def status_code_label(programme: Programme, status: str, language: str) -> str:
    """A case's status as officials read it: the stage's title and the state ('Entry visa: In review')."""
    if not status:
        return ""
    if status in (DRAFT, WITHDRAWN):
        return state_label(status) if status == WITHDRAWN else str(_("Draft"))
    for stage in programme.stages:
        state = state_in(stage.id, status)
        if state is not None:
            return f"{stage_title(programme, stage.id, language)}: {state_label(state)}"
    return status


def nationality_label(code: str, language: str) -> str:
    """A citizenship code as the reader would name it: the state, or what the code means."""
    label = NATIONALITY_WITHOUT_STATE_LABELS.get(code)
    return str(label) if label is not None else country_name(code, language)


def _user_name(user: User) -> str:
    return str(user.full_name or user.email)


# The scope --------------------------------------------------------------------------------


def _require_authority(user: User, authority: str) -> None:
    if authority not in officer_authorities(user):
        raise PermissionDenied


def queue_scope(user: User, authority: str, *, language: str) -> QueueScope:
    """The stages of every programme that ``authority`` handles, and its officials (two queries).

    For an official who works that authority; anyone else gets ``PermissionDenied``.
    """
    _require_authority(user, authority)
    stages = []
    for programme in programme_list():
        table = programme_table(programme)
        for stage in programme.stages:
            if stage.authority != authority or stage.kind not in STAGE_KINDS:
                continue
            states = tuple(state for state in StageState if status_of(stage.id, state) in table)
            stages.append(
                QueueStage(
                    programme=programme.id,
                    stage=stage.id,
                    programme_title=programme.localised(programme.title, language),
                    stage_title=programme.localised(stage.title, language),
                    states=(*states, WITHDRAWN),
                )
            )
    app_label, codename = authority_get(authority).permission.split(".", 1)
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    # The holders' ids first, from the two small link tables: joining them to every user
    # instead scans all accounts, applicants included (100 ms at 100,000 of them).
    holders = (
        User.groups.through.objects.filter(group__permissions__in=permission)
        .values("user_id")
        .union(
            User.user_permissions.through.objects.filter(permission__in=permission).values(
                "user_id"
            )
        )
    )
    officials = (
        User.objects.filter(is_active=True, pk__in=holders)
        .exclude(pk=user.pk)
        .order_by("full_name", "email")
        .only("pk", "full_name", "email")
    )
    colleagues = tuple(Colleague(official.pk, _user_name(official)) for official in officials)
    return QueueScope(authority=authority, stages=tuple(stages), colleagues=colleagues)


# The queue --------------------------------------------------------------------------------


class _CountedPaginator(_QueuePaginator):
    """A paginator told how many objects there are, instead of counting them again."""

    def __init__(self, object_list: QuerySet[QueueCase], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _chosen_states(filters: QueueFilters) -> set[str]:
    if filters.status == ALL:
        chosen = set(STATE_ORDER)
    elif filters.status == OPEN:
        chosen = {state.value for state in AWAITING_DECISION}
    else:
        chosen = {filters.status}
    if filters.deadline != DeadlineWindow.ANY:
        chosen &= {state.value for state in AWAITING_DECISION}  # a decided case is never overdue
    return chosen


def _in_stages(stages: list[QueueStage], states: set[str] | None) -> Q:
    """Cases at one of the stages, in one of the states (any of the stage's when None)."""
    where = Q(pk__in=[])
    for stage in stages:
        statuses = [
            status_of(stage.stage, state)
            for state in stage.states
            if states is None or state in states
        ]
        if statuses:
            where |= Q(programme=stage.programme, stage=stage.stage, status__in=statuses)
    return where


def _holds_citizenship(code: str) -> Q:
    """The applicant is a citizen of ``code`` (among others, perhaps)."""
    applicants = Person.objects.filter(role=Person.Role.APPLICANT)
    if connection.features.supports_json_field_contains:
        holders = applicants.filter(citizenships__contains=[code])
    else:
        # SQLite cannot look inside a JSON list; its text holds each code in quotes, and a
        # quoted code never matches inside another (codes are letters only).
        holders = applicants.filter(citizenships__icontains=f'"{code}"')
    return Q(pk__in=holders.values("case_id"))


def _narrowed(
    user: User, cases: QuerySet[Case], filters: QueueFilters, today: date
) -> QuerySet[Case]:
    """Every filter but the status."""
    if filters.nationality:
        cases = cases.filter(_holds_citizenship(filters.nationality))
    if filters.deadline == DeadlineWindow.OVERDUE:
        cases = cases.filter(deadline__lt=today)
    elif filters.deadline in WINDOW_DAYS:
        cases = cases.filter(
            deadline__gte=today,
            deadline__lte=today + timedelta(days=WINDOW_DAYS[filters.deadline]),
        )
    if filters.assignee == ME:
        cases = cases.filter(assignee=user)
    elif filters.assignee == UNASSIGNED:
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee != ANYONE:
        cases = cases.filter(assignee_id=int(filters.assignee))
    return cases


def _counts(
    cases: QuerySet[Case], stages: list[QueueStage], filters: QueueFilters
) -> tuple[StatusCount, ...]:
    state_of = {status_of(stage.stage, state): state for stage in stages for state in stage.states}
    by_state = dict.fromkeys(STATE_ORDER, 0)
    # COUNT(*), not COUNT(id): PostgreSQL then counts from the queue index alone.
    for row in cases.order_by().values("status").annotate(count=Count("*")):
        by_state[state_of[row["status"]]] += row["count"]
    if filters.deadline != DeadlineWindow.ANY:
        by_state = {state: count for state, count in by_state.items() if state in AWAITING_DECISION}
    awaiting = sum(by_state.get(state, 0) for state in AWAITING_DECISION)
    present = {state for stage in stages for state in stage.states}
    counts = [StatusCount(OPEN, str(_("Waiting for a decision")), awaiting)]
    counts += [
        StatusCount(state, state_label(state), count)
        for state, count in by_state.items()
        if state in present
    ]
    return tuple(counts)


def queue_for_officer(
    user: User,
    filters: QueueFilters,
    *,
    language: str = "en",
    scope: QueueScope | None = None,
    today: date | None = None,
) -> QueuePage:
    """One page of the official's queue for ``filters.authority``, with counts per status.

    For officials who work that authority (else ``PermissionDenied``). The
    counts apply every filter but the status, so each count is what its
    status link shows. Four queries with the scope, two without, whatever
    the number of cases or the page.
    """
    if scope is None:
        scope = queue_scope(user, filters.authority, language=language)
    elif scope.authority != filters.authority:
        raise ValueError("the scope is another authority's")
    _require_authority(user, filters.authority)
    today = today or timezone.localdate()
    stages = [s for s in scope.stages if not filters.programme or s.programme == filters.programme]

    narrowed = _narrowed(user, Case.objects.filter(_in_stages(stages, None)), filters, today)
    counts = _counts(narrowed, stages, filters)

    applicant = Person.objects.filter(case=OuterRef("pk"), role=Person.Role.APPLICANT)
    states = _chosen_states(filters)
    cases = (
        _narrowed(user, Case.objects.filter(_in_stages(stages, states)), filters, today)
        .select_related("assignee")
        .only(
            "public_id",
            "reference",
            "programme",
            "stage",
            "status",
            "state",
            "deadline",
            "submitted_at",
            "version",
            "assignee__full_name",
            "assignee__email",
        )
        .annotate(
            applicant_surname=Subquery(applicant.values("surname")[:1]),
            applicant_given_names=Subquery(applicant.values("given_names")[:1]),
            applicant_citizenships=Subquery(
                applicant.values("citizenships")[:1], output_field=JSONField()
            ),
        )
        .order_by(*ORDERINGS[filters.sort])
    )
    # The counts already say how many cases the page's filters match: no second count.
    total = sum(count.count for count in counts if count.status in states)
    page = _CountedPaginator(cases, PAGE_SIZE, count=total).get_page(filters.page)

    titles = {(s.programme, s.stage): s for s in scope.stages}
    rows = []
    for case in page:
        stage = titles[(case.programme, case.stage)]
        state = state_or_withdrawn(case)
        awaiting = state in AWAITING_DECISION
        surname = case.applicant_surname or ""
        given = case.applicant_given_names or ""
        codes = case.applicant_citizenships or []
        rows.append(
            QueueRow(
                case_id=case.pk,
                public_id=case.public_id,
                reference=case.reference or "",
                applicant_name=", ".join(part for part in (surname, given) if part),
                nationalities=tuple(nationality_label(code, language) for code in codes),
                programme=stage.programme_title,
                stage=stage.stage_title,
                state=state,
                status_label=state_label(state),
                deadline=case.deadline,
                days_left=(case.deadline - today).days if case.deadline and awaiting else None,
                submitted_at=case.submitted_at,
                assignee_name=_user_name(case.assignee) if case.assignee else "",
                assigned_to_me=case.assignee_id == getattr(user, "pk", None),
                version=case.version,
            )
        )
    return QueuePage(page=page, rows=rows, counts=counts, scope=scope, filters=filters, today=today)
