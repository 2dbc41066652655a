"""Nationality codes as people and documents write them: ISO 3166 and ICAO 9303.

Accepted, in any letter case: ISO 3166-1 alpha-2 (``DE``) and alpha-3
(``DEU``), and ICAO 9303 codes exactly as a machine-readable zone prints them,
fillers included (``D<<`` for Germany; ``GBD``, ``GBN``, ``GBO``, ``GBP``,
``GBS`` for the classes of British nationality; ``RKS`` for Kosovo; ``XXA``
stateless; ``XXB``/``XXC`` refugees; ``XXX`` unspecified). An unknown code is
an error, never a guess.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale


class NationalityKind(enum.StrEnum):
    STATE = "state"  # a citizen of the state in ``country``
    STATELESS = "stateless"  # XXA
    REFUGEE = "refugee"  # XXB, XXC: a refugee's travel document, no citizenship shown
    UNSPECIFIED = "unspecified"  # XXX


@dataclass(frozen=True)
class Nationality:
    """A parsed code: ``code`` is the canonical form, ``country`` the ISO alpha-2 state."""

    code: str
    kind: NationalityKind
    country: str | None = None
    # The class of British nationality a document shows (GBD, GBN, GBO, GBP, GBS);
    # None for a plain state code such as GBR or GB.
    icao_class: str | None = None

    def __str__(self) -> str:
        return self.code


class UnknownNationalityCode(ValueError):
    def __init__(self, raw: str) -> None:
        super().__init__(f"{raw!r} is not an ISO 3166 or ICAO 9303 nationality code")
        self.raw = raw


# ICAO 9303 Part 3 codes that are not ISO 3166 alpha-3 codes.
_ICAO_SPECIAL: dict[str, Nationality] = {
    "D": Nationality("DE", NationalityKind.STATE, "DE"),
    "GBD": Nationality("GB", NationalityKind.STATE, "GB", "GBD"),  # Overseas Territories citizen
    "GBN": Nationality("GB", NationalityKind.STATE, "GB", "GBN"),  # British National (Overseas)
    "GBO": Nationality("GB", NationalityKind.STATE, "GB", "GBO"),  # British Overseas citizen
    "GBP": Nationality("GB", NationalityKind.STATE, "GB", "GBP"),  # British protected person
    "GBS": Nationality("GB", NationalityKind.STATE, "GB", "GBS"),  # British subject
    "RKS": Nationality("XK", NationalityKind.STATE, "XK"),
    "XK": Nationality("XK", NationalityKind.STATE, "XK"),  # Kosovo's user-assigned code
    "XXA": Nationality("XXA", NationalityKind.STATELESS),
    "XXB": Nationality("XXB", NationalityKind.REFUGEE),
    "XXC": Nationality("XXC", NationalityKind.REFUGEE),
    "XXX": Nationality("XXX", NationalityKind.UNSPECIFIED),
}


@cache
def parse_nationality(raw: str) -> Nationality:
    """Parse one code; raises ``UnknownNationalityCode`` for anything else."""
    code = raw.strip().upper().rstrip("<")
    if code in _ICAO_SPECIAL:
        return _ICAO_SPECIAL[code]
    country = None
    if len(code) == 2 and code.isalpha():
        country = pycountry.countries.get(alpha_2=code)
    elif len(code) == 3 and code.isalpha():
        country = pycountry.countries.get(alpha_3=code)
    if country is None:
        raise UnknownNationalityCode(raw)
    return Nationality(country.alpha_2, NationalityKind.STATE, country.alpha_2)


def country_codes() -> list[str]:
    """Every ISO alpha-2 state code Haven knows, Kosovo included."""
    return sorted({country.alpha_2 for country in pycountry.countries} | {"XK"})


def all_nationality_codes() -> list[str]:
    """Every canonical code an evaluation may meet: the states and the special codes."""
    return [*country_codes(), "XXA", "XXB", "XXC", "XXX"]


def country_name(code: str, language: str) -> str:
    """The state's name in the reader's language (CLDR, through Babel)."""

    names = Locale.parse(language).territories
    return str(names.get(code) or code)


_ICAO_FOR_ISO: dict[str, str] = {"DE": "D", "XK": "RKS"}


def icao_code(code: str) -> str:
    """The ICAO 9303 code a machine-readable zone prints for a canonical nationality code."""
    nationality = parse_nationality(code)
    if nationality.icao_class:
        return nationality.icao_class
    if nationality.country is None:
        return nationality.code
    if nationality.country in _ICAO_FOR_ISO:
        return _ICAO_FOR_ISO[nationality.country]
    country = pycountry.countries.get(alpha_2=nationality.country)
    if country is None:  # pragma: no cover - parse_nationality accepted it
        raise UnknownNationalityCode(code)
    return str(country.alpha_3)
