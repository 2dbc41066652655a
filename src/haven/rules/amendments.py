"""Amendments: a later act changes a parameter from its effective date.

Pure functions over a ``Programme``: the database keeps recorded amendments
(``haven.rules.models.Amendment``) and the simulation takes proposed ones.
An amendment adds a dated value derived from the value in force on its date,
so every evaluation for an earlier date is untouched.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from haven.rules.loader import check_value
from haven.rules.nationality import NationalityKind, UnknownNationalityCode, parse_nationality
from haven.rules.parameters import ParameterType, ParameterValue
from haven.rules.programme import Programme
from haven.rules.references import LegalReference


class Operation(enum.StrEnum):
    ADD_COUNTRY = "add_country"
    REMOVE_COUNTRY = "remove_country"
    SET_VALUE = "set_value"


class AmendmentError(ValueError):
    """An amendment that cannot apply; ``code`` says why, for a message in the user's language."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class AmendmentSpec:
    parameter: str
    operation: Operation
    effective_from: date
    reference: LegalReference
    country: str | None = None
    value: Any = None


def amended_value(programme: Programme, spec: AmendmentSpec) -> ParameterValue:
    """The new dated value the amendment creates; raises ``AmendmentError``."""
    if spec.parameter not in programme.parameters:
        raise AmendmentError(
            "UNKNOWN_PARAMETER", f"{programme.id} has no parameter {spec.parameter}"
        )
    parameter = programme.parameter(spec.parameter)
    if spec.operation == Operation.SET_VALUE:
        try:
            value = check_value(parameter.type, spec.value, f"amendment of {spec.parameter}")
        except ValueError as error:
            raise AmendmentError("INVALID_VALUE", str(error)) from None
        return ParameterValue(spec.effective_from, value, spec.reference)
    if parameter.type != ParameterType.COUNTRY_LIST:
        raise AmendmentError("NOT_A_COUNTRY_LIST", f"{spec.parameter} is not a list of states")
    try:
        country = parse_nationality(spec.country or "")
    except UnknownNationalityCode:
        raise AmendmentError("UNKNOWN_COUNTRY", f"{spec.country!r} is not a state code") from None
    if country.kind != NationalityKind.STATE or country.country is None:
        raise AmendmentError("UNKNOWN_COUNTRY", f"{spec.country!r} is not a state")
    current = parameter.at(spec.effective_from)
    listed: frozenset[str] = current.value if current is not None else frozenset()
    if spec.operation == Operation.ADD_COUNTRY:
        if country.country in listed:
            raise AmendmentError("ALREADY_LISTED", f"{country.country} is already on the list")
        return ParameterValue(spec.effective_from, listed | {country.country}, spec.reference)
    if country.country not in listed:
        raise AmendmentError("NOT_LISTED", f"{country.country} is not on the list on that date")
    return ParameterValue(spec.effective_from, listed - {country.country}, spec.reference)


def apply_amendments(programme: Programme, specs: Iterable[AmendmentSpec]) -> Programme:
    """The programme with the amendments applied in order of their effective dates."""
    for spec in sorted(specs, key=lambda s: s.effective_from):
        programme = programme.with_parameter_value(spec.parameter, amended_value(programme, spec))
    return programme


def parse_amend_option(text: str) -> AmendmentSpec:
    """``add:HU@2026-01-01`` or ``remove:US@2026-01-01`` (the list of designated states)."""
    verb, _sep, rest = text.partition(":")
    code, _at, when = rest.partition("@")
    operations = {"add": Operation.ADD_COUNTRY, "remove": Operation.REMOVE_COUNTRY}
    if verb not in operations or not code or not when:
        raise AmendmentError("BAD_SYNTAX", f"{text!r} must look like add:HU@2026-01-01")
    try:
        effective = date.fromisoformat(when)
    except ValueError:
        raise AmendmentError("BAD_DATE", f"{when!r} is not a date (YYYY-MM-DD)") from None
    return AmendmentSpec(
        parameter="",
        operation=operations[verb],
        effective_from=effective,
        country=code,
        reference=LegalReference(act="Proposed amendment (simulation)", interpretation="simulated"),
    )
