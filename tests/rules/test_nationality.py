"""Nationality codes: ISO 3166 alpha-2/alpha-3 and ICAO 9303, any case, fillers, never a guess."""

from __future__ import annotations

import pytest

from haven.rules.nationality import (
    Nationality,
    NationalityKind,
    UnknownNationalityCode,
    all_nationality_codes,
    country_codes,
    country_name,
    parse_nationality,
)

STATE = NationalityKind.STATE

# ICAO 9303 Part 3 codes that are not ISO 3166 alpha-3, and what each must mean.
SPECIAL_CODES = {
    "D": Nationality("DE", STATE, "DE"),
    "GBD": Nationality("GB", STATE, "GB", "GBD"),
    "GBN": Nationality("GB", STATE, "GB", "GBN"),
    "GBO": Nationality("GB", STATE, "GB", "GBO"),
    "GBP": Nationality("GB", STATE, "GB", "GBP"),
    "GBS": Nationality("GB", STATE, "GB", "GBS"),
    "XXA": Nationality("XXA", NationalityKind.STATELESS),
    "XXB": Nationality("XXB", NationalityKind.REFUGEE),
    "XXC": Nationality("XXC", NationalityKind.REFUGEE),
    "XXX": Nationality("XXX", NationalityKind.UNSPECIFIED),
    "XK": Nationality("XK", STATE, "XK"),
}


@pytest.mark.parametrize(("code", "expected"), SPECIAL_CODES.items(), ids=list(SPECIAL_CODES))
def test_special_icao_codes(code: str, expected: Nationality) -> None:
    assert parse_nationality(code) == expected


def test_gbr_is_a_plain_british_citizen() -> None:
    assert parse_nationality("GBR") == Nationality("GB", STATE, "GB", None)
    assert parse_nationality("GB") == parse_nationality("GBR")


def test_rks_is_kosovo() -> None:
    parsed = parse_nationality("RKS")
    assert (parsed.code, parsed.kind, parsed.country) == ("XK", STATE, "XK")


def test_rks_and_xk_are_the_same_nationality() -> None:
    assert parse_nationality("RKS").icao_class is None
    assert parse_nationality("RKS") == parse_nationality("XK")


@pytest.mark.parametrize(
    ("code", "country"),
    [
        ("de", "DE"),
        ("De", "DE"),
        ("dE", "DE"),
        ("deu", "DE"),
        ("dEu", "DE"),
        ("d", "DE"),
        ("gbr", "GB"),
        ("gbd", "GB"),
        ("gBn", "GB"),
        ("rks", "XK"),
        ("xk", "XK"),
        ("no", "NO"),
        ("twn", "TW"),
        ("usa", "US"),
        ("rus", "RU"),
    ],
)
def test_letter_case_does_not_matter(code: str, country: str) -> None:
    assert parse_nationality(code).country == country
    assert parse_nationality(code) == parse_nationality(code.upper())


@pytest.mark.parametrize("code", ["xxa", "Xxb", "xXc", "xxx"])
def test_letter_case_does_not_matter_for_the_x_codes(code: str) -> None:
    assert parse_nationality(code) == SPECIAL_CODES[code.upper()]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("D<<", "D"),
        ("D<", "D"),
        ("d<<", "D"),
        ("DE<", "DE"),
        ("GBR<", "GBR"),
        ("GBD<", "GBD"),
        ("XXA<", "XXA"),
        (" DEU ", "DEU"),
        ("D<< ", "D"),
    ],
)
def test_fillers_and_blanks_are_ignored(code: str, expected: str) -> None:
    assert parse_nationality(code) == parse_nationality(expected)


@pytest.mark.parametrize(
    "code",
    [
        "ZZ",
        "ZZZ",
        "zz",
        "",
        " ",
        "<",
        "<<<",
        "UK",  # a common abbreviation; the codes are GB and GBR
        "GER",  # a sports code; the passport code is D
        "SUI",
        "EU",
        "EUE",  # ICAO: European Union laissez-passer, not a nationality Haven knows
        "UNO",
        "UNK",
        "KOS",
        "XX",
        "XXD",
        "A",
        "DEUT",
        "D E",
        "DE1",
        "276",  # ISO numeric codes are not accepted
        "<D",
        "ДЕ",
    ],
)
def test_an_unknown_code_is_an_error_never_a_guess(code: str) -> None:
    with pytest.raises(UnknownNationalityCode) as error:
        parse_nationality(code)
    assert error.value.raw == code
    assert repr(code) in str(error.value)


def test_unknown_code_error_is_a_value_error() -> None:
    assert issubclass(UnknownNationalityCode, ValueError)


def test_every_iso_state_parses_by_both_codes() -> None:
    import pycountry

    for country in pycountry.countries:
        assert parse_nationality(country.alpha_2).country == country.alpha_2
        assert parse_nationality(country.alpha_3).country == country.alpha_2
        assert parse_nationality(country.alpha_3).icao_class is None


def test_known_codes_include_kosovo_and_the_special_codes() -> None:
    codes = all_nationality_codes()
    assert "XK" in country_codes()
    assert {"XXA", "XXB", "XXC", "XXX", "XK", "DE", "GB", "TW"} <= set(codes)
    assert len(codes) == len(set(codes))
    assert "D" not in codes  # canonical forms only
    assert "GBD" not in codes
    for code in codes:
        assert parse_nationality(code).code == code


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("DE", "ru", "Германия"),
        ("DE", "de", "Deutschland"),
        ("DE", "en", "Germany"),
        ("GB", "ru", "Великобритания"),
        ("GB", "de", "Vereinigtes Königreich"),
        ("XK", "ru", "Косово"),
        ("XK", "de", "Kosovo"),
        ("RU", "ru", "Россия"),
        ("HU", "de", "Ungarn"),
        ("TW", "ru", "Тайвань"),
    ],
)
def test_country_name_in_the_readers_language(code: str, language: str, name: str) -> None:
    assert country_name(code, language) == name


def test_country_name_of_an_unknown_territory_is_its_code() -> None:
    assert country_name("XXA", "ru") == "XXA"
