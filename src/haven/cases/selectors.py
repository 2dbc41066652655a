"""Reads of cases, always checked against who is asking."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.http import Http404
from django.utils import timezone

from haven.accounts.models import User
from haven.cases.models import Case
from haven.cases.policy import viewable_case_ids
from haven.cases.transitions import DRAFT
from haven.people.models import Person
from haven.rules.simulation import ApplicationFacts


def case_list_for_applicant(user: User) -> QuerySet[Case]:
    return Case.objects.filter(applicant=user).order_by("-created_at")


def access_case(user: User, public_id: uuid.UUID | str) -> Case:
    """The applicant's own case (``policy.VIEW`` as its ``OWNER``), or 404.

    The same answer for missing and forbidden. The owner rule is the query's
    filter, so nobody else's case is ever loaded.
    """
    try:
        return Case.objects.select_related("declaration").get(
            public_id=public_id, applicant_id=getattr(user, "pk", None)
        )
    except (Case.DoesNotExist, ValueError) as error:
        raise Http404 from error


def officer_case_ids(user: User, cases: Iterable[Case]) -> set[int]:
    """The pks of ``cases`` the official may open (``policy.VIEW``, for many at once)."""
    return viewable_case_ids(user, cases)


def access_case_for_officer(user: User, public_id: uuid.UUID | str) -> Case:
    """A submitted case the official may open (see ``officer_case_ids``), or 404.

    The same answer for a case that does not exist, a draft, and a case the
    official's authority neither handles now nor decided before.
    """
    try:
        case = (
            Case.objects.select_related("assignee").exclude(status=DRAFT).get(public_id=public_id)
        )
    except (Case.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404 from error
    if case.pk not in officer_case_ids(user, [case]):
        raise Http404
    return case


def application_facts(programme_id: str) -> Iterator[ApplicationFacts]:
    """Every application of the programme as the rules see it, for simulations.

    Dated by submission, or by start for a draft; withdrawn ones included,
    since a simulation asks what the rules would have said.
    """

    people = (
        Person.objects.filter(case__programme=programme_id, role=Person.Role.APPLICANT)
        .select_related("case")
        .only("citizenships", "residence", "case__stage", "case__submitted_at", "case__created_at")
        .order_by("pk")
    )
    for person in people.iterator(chunk_size=2000):
        case = person.case
        moment = case.submitted_at or case.created_at
        yield ApplicationFacts(
            nationalities=tuple(person.citizenships),
            residence=person.residence or None,
            on_date=timezone.localdate(moment),
            stage=case.stage,
        )


def application_count(programme_id: str) -> int:
    return Case.objects.filter(programme=programme_id).count()


# Every case has exactly one applicant person; one who has not said a citizenship yet
# (a draft before "About you") is counted under ICAO 9303's "unspecified nationality".
UNSPECIFIED_NATIONALITY = "XXX"


@dataclass(frozen=True)
class CaseSummary:
    """How many cases there are, by status, stage, programme and the applicant's citizenship."""

    total: int
    by_status: dict[str, int]
    by_stage: dict[str, int]
    by_programme: dict[str, int]
    by_nationality: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_status": self.by_status,
            "by_stage": self.by_stage,
            "by_programme": self.by_programme,
            "by_nationality": self.by_nationality,
        }


def case_summary(programme_id: str | None = None) -> CaseSummary:
    """Counts of every case (drafts and withdrawn ones too), for operators and the CLI.

    No user: it reads figures only, never a person's data, and is called by
    the ``haven cases summary`` command, which only an operator with database
    access can run. Each case counts once under its applicant's *first*
    citizenship as given in the application (a dual national under the one
    named first; codes that are not states, such as XXA for a stateless
    person, under their own code; no citizenship yet under XXX). Four
    grouped queries, however many cases there are.
    """

    cases = Case.objects.all()
    people = Person.objects.filter(role=Person.Role.APPLICANT)
    if programme_id is not None:
        cases = cases.filter(programme=programme_id)
        people = people.filter(case__programme=programme_id)

    def counted(field: str) -> dict[str, int]:
        rows = cases.order_by().values(field).annotate(count=Count("pk"))
        return {row[field]: row["count"] for row in sorted(rows, key=lambda row: row[field])}

    by_status = counted("status")
    by_nationality: dict[str, int] = {}
    rows = (
        people.order_by()
        .annotate(first=KeyTextTransform("0", "citizenships"))
        .values("first")
        .annotate(count=Count("pk"))
    )
    for row in rows:
        code = row["first"] or UNSPECIFIED_NATIONALITY
        by_nationality[code] = by_nationality.get(code, 0) + row["count"]
    total = sum(by_status.values())
    missing = total - sum(by_nationality.values())  # a case without its person: never by actions
    if missing > 0:
        by_nationality[UNSPECIFIED_NATIONALITY] = (
            by_nationality.get(UNSPECIFIED_NATIONALITY, 0) + missing
        )
    return CaseSummary(
        total=total,
        by_status=by_status,
        by_stage=counted("stage"),
        by_programme=counted("programme"),
        by_nationality=dict(sorted(by_nationality.items())),
    )
