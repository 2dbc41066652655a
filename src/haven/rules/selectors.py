"""Programmes as they stand: the shipped YAML plus the amendments recorded since."""

from __future__ import annotations

from django.db.models import QuerySet

from haven.rules.amendments import AmendmentSpec, Operation, apply_amendments
from haven.rules.loader import load_programmes
from haven.rules.models import Amendment
from haven.rules.programme import Programme
from haven.rules.references import LegalReference


class ProgrammeNotFound(LookupError):
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


def programme_get(programme_id: str) -> Programme:
    """The programme with every recorded amendment applied (one query)."""
    shipped = load_programmes()
    if programme_id not in shipped:
        raise ProgrammeNotFound(programme_id)
    amendments = [amendment_spec(a) for a in Amendment.objects.filter(programme=programme_id)]
    return apply_amendments(shipped[programme_id], amendments)


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
