"""Programmes as they stand: the shipped YAML plus the amendments recorded since."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from haven.rules import display
from haven.rules.amendments import (
    AmendmentError,
    AmendmentSpec,
    Operation,
    amended_value,
    apply_amendments,
)
from haven.rules.eligibility import EligibilityInputError, evaluate_request
from haven.rules.loader import load_programmes
from haven.rules.models import Amendment
from haven.rules.outcome import Evaluation
from haven.rules.parameters import ParameterValue
from haven.rules.programme import Programme
from haven.rules.references import LegalReference

MANAGE_PROGRAMMES = "accounts.manage_programmes"


class ProgrammeNotFound(LookupError):
    pass


class ParameterNotFound(LookupError):
    pass


def amendment_spec(amendment: Amendment) -> AmendmentSpec:
    return AmendmentSpec(
        parameter=amendment.parameter,
        operation=Operation(amendment.operation),
        effective_from=amendment.effective_from,
        country=amendment.country,
        reference=LegalReference(
            act=amendment.act,
            date=amendment.act_date,
            article=amendment.article or None,
            url=amendment.url or None,
        ),
    )


def amendment_list(programme_id: str) -> QuerySet[Amendment]:
    return Amendment.objects.filter(programme=programme_id).select_related("recorded_by")


def _shipped(programme_id: str) -> Programme:
    shipped = load_programmes()
    if programme_id not in shipped:
        raise ProgrammeNotFound(programme_id)
    return shipped[programme_id]


def amendments_recorded() -> bool:
    """Whether the database holds the amendments table (false before the first migrate)."""

    return Amendment._meta.db_table in connection.introspection.table_names()


def programme_shipped(programme_id: str) -> Programme:
    """The programme as shipped in YAML, without amendments recorded in the database."""
    return _shipped(programme_id)


def programme_get(programme_id: str) -> Programme:
    """The programme with every recorded amendment applied (one query)."""
    shipped = _shipped(programme_id)
    amendments = [amendment_spec(a) for a in Amendment.objects.filter(programme=programme_id)]
    return apply_amendments(shipped, amendments)


def programme_list() -> list[Programme]:
    """Every programme as it stands, in-force ones first (one query)."""
    by_programme: dict[str, list[AmendmentSpec]] = {}
    for amendment in Amendment.objects.all():
        by_programme.setdefault(amendment.programme, []).append(amendment_spec(amendment))
    programmes = [
        apply_amendments(programme, by_programme.get(programme.id, []))
        for programme in load_programmes().values()
    ]
    return sorted(programmes, key=lambda p: (p.status != "in_force", p.id))


def programme_summaries(*, language: str) -> list[display.ProgrammeHeader]:
    """Title, status and summary of every programme, for anyone (one query)."""
    return [display.programme_header(programme, language) for programme in programme_list()]


def programme_start(programme_id: str, *, on_date: date, language: str) -> display.StartPage:
    """The public "Who can apply" page of a programme as it stands on the date (one query)."""
    return display.start_page(programme_get(programme_id), on_date, language)


def eligibility_evaluate(
    *,
    programme_id: str,
    nationalities: Sequence[str],
    residence: str | None,
    on_date: date,
    stage: str | None = None,
) -> Evaluation:
    """The answer ``haven eligibility`` gives for the same input; public (it is the law).

    Raises ``EligibilityInputError`` naming the field at fault.
    """
    try:
        programme = programme_get(programme_id)
    except ProgrammeNotFound:
        known = ", ".join(load_programmes())
        raise EligibilityInputError(
            "programme",
            "UNKNOWN_PROGRAMME",
            f"Unknown programme {programme_id!r}; known programmes: {known}.",
        ) from None
    return evaluate_request(
        programme, nationalities=nationalities, residence=residence, on_date=on_date, stage=stage
    )


def _may_see_recorders(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.has_perm(MANAGE_PROGRAMMES))


def _records(
    amendments: Sequence[Amendment], *, with_recorder: bool
) -> list[display.AmendmentRecord]:
    return [
        display.AmendmentRecord(
            programme=a.programme,
            parameter=a.parameter,
            operation=a.operation,
            country=a.country,
            effective_from=a.effective_from,
            act=a.act,
            act_date=a.act_date,
            article=a.article,
            url=a.url,
            recorded_at=a.recorded_at,
            recorded_by=(a.recorded_by.full_name or a.recorded_by.email) if with_recorder else None,
        )
        for a in amendments
    ]


def parameter_history(
    viewer: Any, programme_id: str, name: str, *, on_date: date, language: str
) -> display.ParameterHistory:
    """Every dated value of one parameter, with the amendments recorded in Haven (one query).

    Public; who recorded an amendment is shown only to policy administrators.
    Raises ``ProgrammeNotFound`` or ``ParameterNotFound``.
    """
    shipped = _shipped(programme_id)
    if name not in shipped.parameters:
        raise ParameterNotFound(name)
    with_recorder = _may_see_recorders(viewer)
    amendments = Amendment.objects.filter(programme=programme_id)
    if with_recorder:
        amendments = amendments.select_related("recorded_by")
    rows = list(amendments)
    programme = apply_amendments(shipped, [amendment_spec(a) for a in rows])
    records = _records(rows, with_recorder=with_recorder)
    return display.parameter_history(programme, name, records, on_date, language)


RECENT_AMENDMENTS = 20


def programme_work_list(*, on_date: date, language: str) -> display.WorkOverview:
    """Every programme with its lists and recorded amendments, and the latest amendments
    to any of them (one query).

    For policy administrators (the view checks ``accounts.manage_programmes``).
    """
    rows: dict[str, list[Amendment]] = {}
    for amendment in Amendment.objects.select_related("recorded_by"):
        rows.setdefault(amendment.programme, []).append(amendment)
    result = []
    for shipped in load_programmes().values():
        mine = rows.get(shipped.id, [])
        programme = apply_amendments(shipped, [amendment_spec(a) for a in mine])
        records = _records(mine, with_recorder=True)
        result.append(display.programme_work(programme, records, on_date, language))
    result.sort(key=lambda w: (w.programme.is_draft, w.programme.id))
    return display.work_overview(result, RECENT_AMENDMENTS)


def programme_work_get(programme_id: str, *, on_date: date, language: str) -> display.ProgrammeWork:
    """One programme with its lists and recorded amendments (one query); policy administrators."""
    shipped = _shipped(programme_id)
    rows = list(amendment_list(programme_id))
    programme = apply_amendments(shipped, [amendment_spec(a) for a in rows])
    records = _records(rows, with_recorder=True)
    return display.programme_work(programme, records, on_date, language)


@dataclass(frozen=True)
class AmendmentCheck:
    programme: Programme
    before: ParameterValue | None  # the value in force on the effective date
    after: ParameterValue  # the value the amendment creates


def amendment_check(programme_id: str, spec: AmendmentSpec) -> AmendmentCheck:
    """What the amendment would do, without writing anything (one query).

    Raises ``AmendmentError`` when it cannot apply, including
    ``CONFLICTS_WITH_LATER_AMENDMENT`` when the recorded amendments would no
    longer apply in date order with it (a later one adding the same state).
    """
    shipped = _shipped(programme_id)
    specs = [amendment_spec(a) for a in Amendment.objects.filter(programme=programme_id)]
    programme = apply_amendments(shipped, specs)
    after = amended_value(programme, spec)  # raises AmendmentError
    try:
        apply_amendments(shipped, [*specs, spec])
    except AmendmentError as error:
        raise AmendmentError(
            "CONFLICTS_WITH_LATER_AMENDMENT",
            f"with this amendment, one recorded for a later date no longer applies: {error}",
        ) from None
    before = programme.parameter(spec.parameter).at(spec.effective_from)
    return AmendmentCheck(programme, before, after)


def amendment_preview(
    programme_id: str, spec: AmendmentSpec, *, language: str
) -> display.AmendmentPreview:
    """The confirm page's account of what recording the amendment will do; raises as above."""
    check = amendment_check(programme_id, spec)
    return display.amendment_preview(
        check.programme,
        parameter=spec.parameter,
        adds=spec.operation == Operation.ADD_COUNTRY,
        country=(spec.country or "").upper(),
        effective_from=spec.effective_from,
        before=check.before,
        after=check.after,
        language=language,
    )
