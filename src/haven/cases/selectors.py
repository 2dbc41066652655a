"""Reads of cases, always checked against who is asking."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from haven.cases.models import Case
from haven.rules.simulation import ApplicationFacts


def case_list_for_applicant(user: Any) -> QuerySet[Case]:
    return Case.objects.filter(applicant=user).order_by("-created_at")


def access_case(user: Any, public_id: uuid.UUID | str) -> Case:
    """The applicant's own case, or 404 — the same answer for missing and forbidden."""
    try:
        return Case.objects.select_related("declaration").get(
            public_id=public_id, applicant_id=getattr(user, "pk", None)
        )
    except (Case.DoesNotExist, ValueError) as error:
        raise Http404 from error


def application_facts(programme_id: str) -> Iterator[ApplicationFacts]:
    """Every application of the programme as the rules see it, for simulations.

    Dated by submission, or by start for a draft; withdrawn ones included,
    since a simulation asks what the rules would have said.
    """
    from haven.people.models import Person

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
