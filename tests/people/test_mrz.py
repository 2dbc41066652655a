"""ICAO 9303 machine-readable zones: reading, checking, writing and cross-checking.

The specimens are Doc 9303's own (Part 4 Appendix for TD3, Part 7 for MRV-A and
MRV-B, holder Anna Maria Eriksson of "Utopia"); their check digits were
recomputed by hand against the 7-3-1 rule before being trusted here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.people.mrz import (
    LAYOUTS,
    MrzError,
    MrzErrorCode,
    MrzField,
    MrzInputError,
    MrzResult,
    MrzType,
    check_digit,
    check_mrz,
    cross_check,
    is_mrz_like,
    make_mrva,
    make_mrvb,
    make_td3,
    to_mrz_name,
)

TODAY = date(2025, 6, 1)

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
MRVA = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
)
MRVB = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "L8988901C4XXX4009078F9612109<<<<<<<<",
)
# Germany's specimen passport (Erika Mustermann): issuer and nationality "D<<".
GERMAN = (
    "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
    "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4",
)


def check(lines: tuple[str, str], today: date = TODAY) -> MrzResult:
    return check_mrz(*lines, today=today)


def codes(result: MrzResult) -> list[str]:
    return result.codes()


def td3_line2(
    *,
    number: str = "L898902C3",
    nationality: str = "UTO",
    birth: str = "740812",
    sex: str = "F",
    expiry: str = "120415",
    optional: str = "ZE184226B<<<<<",
    optional_check: str | None = None,
) -> str:
    """A TD3 line 2 with every check digit right, whatever the fields say."""
    if optional_check is None:
        optional_check = check_digit(optional)
    line = (
        f"{number}{check_digit(number)}{nationality}{birth}{check_digit(birth)}{sex}"
        f"{expiry}{check_digit(expiry)}{optional}{optional_check}"
    )
    return line + check_digit(line[0:10] + line[13:20] + line[21:43])


# -- the specimens -----------------------------------------------------------------


def test_the_td3_specimen_is_valid_and_reads_as_printed() -> None:
    result = check(TD3)
    assert result.as_dict() == {
        "valid": True,
        "type": "TD3",
        "errors": [],
        "fields": {
            "document_number": "L898902C3",
            "issuing_state": "UTO",
            "nationality": "UTO",
            "surname": "ERIKSSON",
            "given_names": "ANNA MARIA",
            "birth_date": "1974-08-12",
            "sex": "F",
            "expiry_date": "2012-04-15",
        },
    }
    assert result.fields.document_code == "P"
    assert result.fields.optional_data == "ZE184226B"


@pytest.mark.parametrize(
    ("lines", "kind", "optional"),
    [(MRVA, MrzType.MRVA, "6ZE184226B"), (MRVB, MrzType.MRVB, None)],
    ids=["MRV-A", "MRV-B"],
)
def test_the_visa_specimens_are_valid_and_read_as_printed(
    lines: tuple[str, str], kind: MrzType, optional: str | None
) -> None:
    result = check(lines)
    assert result.valid, result.errors
    assert result.type == kind
    assert result.as_dict()["fields"] == {
        "document_number": "L8988901C",
        "issuing_state": "UTO",
        "nationality": "XXX",
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "birth_date": "1940-09-07",
        "sex": "F",
        "expiry_date": "1996-12-10",
    }
    assert result.fields.document_code == "V"
    assert result.fields.optional_data == optional


def test_check_digits_match_the_specimens() -> None:
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"
    assert check_digit("ZE184226B<<<<<") == "1"
    assert check_digit("L898902C3674081221204159ZE184226B<<<<<1") == "0"
    assert check_digit("<<<<<<") == "0"


def test_a_german_passport_prints_d_for_germany_and_reads_as_d() -> None:
    result = check(GERMAN)
    assert result.valid, result.errors
    assert result.fields.issuing_state == "D"
    assert result.fields.nationality == "D"
    assert result.fields.surname == "MUSTERMANN"
    assert result.fields.given_names == "ERIKA"
    assert result.fields.birth_date == "1964-08-12"
    assert result.fields.expiry_date == "2027-02-28"
    assert result.fields.optional_data is None


# -- codes -------------------------------------------------------------------------


@pytest.mark.parametrize("nationality", ["GBD", "XXA", "XXB", "RKS", "FRA", "D<<", "UTO"])
def test_icao_nationality_codes_are_accepted_and_read_without_fillers(nationality: str) -> None:
    result = check((TD3[0], td3_line2(nationality=nationality)))
    assert result.valid, result.errors
    assert result.fields.nationality == nationality.rstrip("<")


@pytest.mark.parametrize(
    "nationality",
    ["ZZZ", "DE<", "<D<", "D<D", "UNO", "<<<"],
    ids=["unknown", "iso alpha-2", "leading filler", "inner filler", "issuer only", "empty"],
)
def test_other_nationality_codes_are_unknown(nationality: str) -> None:
    result = check((TD3[0], td3_line2(nationality=nationality)))
    assert codes(result) == ["NATIONALITY_UNKNOWN"]


@pytest.mark.parametrize("issuer", ["UNO", "UNA", "UNK", "EUE", "XOM", "D<<", "GBR", "UTO"])
def test_organisations_may_issue_documents(issuer: str) -> None:
    result = check((f"P<{issuer}ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", TD3[1]))
    assert result.valid, result.errors
    assert result.fields.issuing_state == issuer.rstrip("<")


@pytest.mark.parametrize("issuer", ["ZZZ", "DE<", "<<<"])
def test_unknown_issuers_are_reported(issuer: str) -> None:
    result = check((f"P<{issuer}ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", TD3[1]))
    assert result.errors == [MrzError(MrzField.ISSUING_STATE, MrzErrorCode.ISSUING_STATE_UNKNOWN)]


# -- corruption --------------------------------------------------------------------

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
# (slice of line 2, check-digit position, error code, digits only?)
PROTECTED = [
    (range(0, 10), "DOCUMENT_NUMBER_CHECK_DIGIT", False),
    (range(13, 20), "BIRTH_DATE_CHECK_DIGIT", True),
    (range(21, 28), "EXPIRY_DATE_CHECK_DIGIT", True),
]
TD3_PROTECTED = [*PROTECTED, (range(28, 43), "OPTIONAL_DATA_CHECK_DIGIT", False)]


def _value(character: str) -> int:
    return 0 if character == "<" else int(character, 36)


def _corruptions(lines: tuple[str, str], protected: list[tuple[range, str, bool]]):
    line2 = lines[1]
    for positions, code, dates in protected:
        for position in positions:
            for character in ALPHABET:
                if character != line2[position]:
                    corrupted = line2[:position] + character + line2[position + 1 :]
                    yield corrupted, position == positions[-1], code, dates, character


@pytest.mark.parametrize(
    ("lines", "protected", "composite"),
    [(TD3, TD3_PROTECTED, True), (MRVA, PROTECTED, False), (MRVB, PROTECTED, False)],
    ids=["TD3", "MRV-A", "MRV-B"],
)
def test_every_single_character_corruption_of_a_checked_field_is_detected(
    lines: tuple[str, str], protected: list[tuple[range, str, bool]], composite: bool
) -> None:
    tried = 0
    for corrupted, is_check_digit, code, dates, character in _corruptions(lines, protected):
        position = next(
            i for i, (a, b) in enumerate(zip(lines[1], corrupted, strict=True)) if a != b
        )
        result = check((lines[0], corrupted))
        tried += 1
        # A 7-3-1 check digit sees every change of value except by a multiple of
        # ten (0/A/K/U, 1/B/L/V...): Doc 9303's limit. A date then fails to read.
        seen = (_value(character) - _value(lines[1][position])) % 10 != 0
        if is_check_digit or seen:
            assert code in codes(result), corrupted
        if composite and seen:
            assert "COMPOSITE_CHECK_DIGIT" in codes(result), corrupted
        if dates or is_check_digit or seen:
            assert not result.valid, corrupted
        else:  # the only corruptions no check can see
            assert result.valid, corrupted
    assert tried == sum(len(positions) for positions, _, _ in protected) * (len(ALPHABET) - 1)


def test_the_check_digit_cannot_see_a_change_by_ten_in_a_document_number() -> None:
    # Doc 9303's scheme, not ours: 3 and D are worth 3 and 13. Cross-checking the
    # typed number (cross_check) is what catches such a misreading.
    result = check((TD3[0], TD3[1].replace("L898902C3", "L898902CD")))
    assert result.valid
    assert result.fields.document_number == "L898902CD"


# -- lines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "errors"),
    [
        ((TD3[0][:-1], TD3[1]), [("line1", "LINE_LENGTH")]),
        ((TD3[0], TD3[1] + "<"), [("line2", "LINE_LENGTH")]),
        ((TD3[0], MRVB[1]), [("line2", "LINE_LENGTH")]),
        ((TD3[0][:30], TD3[1][:30]), [("line1", "LINE_LENGTH"), ("line2", "LINE_LENGTH")]),
    ],
    ids=["line 1 short", "line 2 long", "44 and 36", "TD1 length"],
)
def test_wrong_lengths_are_reported_per_line(
    lines: tuple[str, str], errors: list[tuple[str, str]]
) -> None:
    result = check(lines)
    assert [(error.field, error.code) for error in result.errors] == errors


def test_a_readable_line_is_still_read_when_the_other_has_the_wrong_length() -> None:
    result = check((TD3[0][:-1], TD3[1]))
    assert result.type is None  # line 1 tells the format; it cannot be trusted
    assert result.fields.document_number == "L898902C3"
    assert result.fields.birth_date == "1974-08-12"
    assert result.fields.surname is None


def test_lowercase_and_surrounding_whitespace_are_accepted() -> None:
    result = check_mrz(f"  {TD3[0].lower()}\n", f"\t{TD3[1].lower()} ", today=TODAY)
    assert result == check(TD3)
    assert result.valid


@pytest.mark.parametrize(
    "line1",
    [
        TD3[0][:20] + " " + TD3[0][21:],
        TD3[0][:20] + "«" + TD3[0][21:],
        TD3[0][:20] + "ı" + TD3[0][21:],  # upper-cases to I: refused, not "fixed"
        TD3[0][:20] + "-" + TD3[0][21:],
    ],
    ids=["space", "guillemet", "dotless i", "hyphen"],
)
def test_characters_outside_the_mrz_alphabet_are_reported(line1: str) -> None:
    result = check((line1, TD3[1]))
    assert [(error.field, error.code) for error in result.errors] == [
        ("line1", "INVALID_CHARACTERS")
    ]
    assert result.fields.surname is None
    assert result.fields.document_number == "L898902C3"


@pytest.mark.parametrize(
    ("line1", "kind"),
    [
        ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", None),
        ("P1UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", MrzType.TD3),
        ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", None),
    ],
    ids=["identity card code", "digit as type", "passport on 36"],
)
def test_document_codes_must_fit_the_format(line1: str, kind: MrzType | None) -> None:
    line2 = TD3[1] if len(line1) == 44 else MRVB[1]
    result = check((line1, line2))
    assert codes(result) == ["DOCUMENT_CODE"]
    assert result.type == kind


def test_a_passport_type_letter_is_kept_in_the_document_code() -> None:
    result = check(("PO" + TD3[0][2:], TD3[1]))
    assert result.valid
    assert result.fields.document_code == "PO"


# -- names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "surname", "given_names"),
    [
        ("VAN<DER<BERG<<JAN<PIETER", "VAN DER BERG", "JAN PIETER"),
        ("SUKARNO", "SUKARNO", ""),
        ("NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K", "NILAVADHANANANDA", "CHAYAPA DEJTHAMRONG K"),
    ],
    ids=["multi-part", "single name", "full field (truncated)"],
)
def test_names_read_with_fillers_as_spaces(name: str, surname: str, given_names: str) -> None:
    result = check((f"P<UTO{name}".ljust(44, "<"), TD3[1]))
    assert result.valid, result.errors
    assert (result.fields.surname, result.fields.given_names) == (surname, given_names)


@pytest.mark.parametrize(
    "name",
    ["<<ANNA", "ERIKSSON<<<ANNA", "ERIKSSON<<ANNA<<MARIA", "ERIKSS0N<<ANNA", "<" * 39],
    ids=["no primary", "three fillers", "second separator", "digit", "empty"],
)
def test_malformed_names_are_reported(name: str) -> None:
    result = check((f"P<UTO{name}".ljust(44, "<"), TD3[1]))
    assert codes(result) == ["NAME_INVALID"]
    assert result.fields.surname is None
    assert result.fields.given_names is None


# -- dates, sex, optional data --------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "expiry", "code"),
    [
        ("240230", "300101", "BIRTH_DATE_INVALID"),
        ("231301", "300101", "BIRTH_DATE_INVALID"),
        ("230229", "300101", "BIRTH_DATE_INVALID"),
        ("74AB12", "300101", "BIRTH_DATE_INVALID"),
        ("740812", "300431", "EXPIRY_DATE_INVALID"),
        ("740812", "270229", "EXPIRY_DATE_INVALID"),
        ("740812", "<<<<<<", "EXPIRY_DATE_INVALID"),
    ],
)
def test_impossible_dates_are_reported_even_with_a_right_check_digit(
    birth: str, expiry: str, code: str
) -> None:
    result = check((TD3[0], td3_line2(birth=birth, expiry=expiry)))
    assert codes(result) == [code]
    field = "birth_date" if code.startswith("BIRTH") else "expiry_date"
    assert getattr(result.fields, field) is None


def test_a_leap_day_is_a_real_date_in_a_leap_year() -> None:
    result = check((TD3[0], td3_line2(birth="000229", expiry="280229")))
    assert result.valid, result.errors
    assert (result.fields.birth_date, result.fields.expiry_date) == ("2000-02-29", "2028-02-29")


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ("250601", "2025-06-01"),  # born today
        ("250602", "1925-06-02"),  # tomorrow would be in the future: 19YY
        ("260101", "1926-01-01"),  # YY above today's YY
        ("240101", "2024-01-01"),
        ("000101", "2000-01-01"),
        ("991231", "1999-12-31"),
    ],
)
def test_a_birth_date_is_never_in_the_future(birth: str, expected: str) -> None:
    result = check((TD3[0], td3_line2(birth=birth)))
    assert result.fields.birth_date == expected


@pytest.mark.parametrize(
    ("expiry", "today", "expected"),
    [
        ("300101", TODAY, "2030-01-01"),
        ("120415", TODAY, "2012-04-15"),
        ("750601", TODAY, "2075-06-01"),  # exactly fifty years ahead: still 20YY
        ("750602", TODAY, "1975-06-02"),  # more than fifty years ahead: 19YY
        ("961210", TODAY, "1996-12-10"),
        ("050101", date(2090, 1, 1), "2105-01-01"),  # the window moves with today
    ],
)
def test_an_expiry_date_lies_within_fifty_years_of_today(
    expiry: str, today: date, expected: str
) -> None:
    result = check((TD3[0], td3_line2(expiry=expiry)), today=today)
    assert result.fields.expiry_date == expected


@pytest.mark.parametrize("birth", ["74<<<<", "7408<<", "<<<<<<"])
def test_an_unknown_birth_date_is_printed_as_fillers_and_read_as_none(birth: str) -> None:
    result = check((TD3[0], td3_line2(birth=birth)))
    assert result.valid, result.errors
    assert result.fields.birth_date is None


@pytest.mark.parametrize("birth", ["7413<<", "<<0812", "74<812", "7<<<<<"])
def test_a_birth_date_with_fillers_in_other_places_is_invalid(birth: str) -> None:
    result = check((TD3[0], td3_line2(birth=birth)))
    assert codes(result) == ["BIRTH_DATE_INVALID"]


@pytest.mark.parametrize(("printed", "read"), [("M", "M"), ("F", "F"), ("<", "X"), ("X", "X")])
def test_sex_reads_as_m_f_or_x_for_unspecified(printed: str, read: str) -> None:
    result = check((TD3[0], td3_line2(sex=printed)))
    assert result.valid, result.errors
    assert result.fields.sex == read


def test_any_other_sex_is_reported() -> None:
    result = check((TD3[0], td3_line2(sex="Q")))
    assert codes(result) == ["SEX_INVALID"]
    assert result.fields.sex is None


@pytest.mark.parametrize(("optional_check", "valid"), [("<", True), ("0", True), ("1", False)])
def test_an_unused_personal_number_may_carry_a_filler_or_zero_as_check_digit(
    optional_check: str, valid: bool
) -> None:
    result = check((TD3[0], td3_line2(optional="<" * 14, optional_check=optional_check)))
    assert result.valid is valid
    assert result.fields.optional_data is None
    if not valid:
        assert codes(result) == ["OPTIONAL_DATA_CHECK_DIGIT"]


def test_a_used_personal_number_needs_its_check_digit() -> None:
    result = check((TD3[0], td3_line2(optional_check="<")))
    assert codes(result) == ["OPTIONAL_DATA_CHECK_DIGIT"]


def test_an_empty_document_number_is_reported() -> None:
    result = check((TD3[0], td3_line2(number="<" * 9)))
    assert codes(result) == ["DOCUMENT_NUMBER_INVALID"]
    assert result.fields.document_number is None


# -- is_mrz_like -------------------------------------------------------------------


SENTENCE = "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG"


@pytest.mark.parametrize(
    ("lines", "like"),
    [
        (TD3, True),
        (MRVB, True),
        ((TD3[0][:-3], TD3[1] + "<<"), True),  # wrong lengths, still an MRZ
        ((TD3[0].replace("<", " ", 3), TD3[1]), True),  # a few OCR slips
        ((TD3[0][:30], TD3[1][:30]), True),  # TD1-sized
        (("hello", "world"), False),
        (("hello world", "hello world"), False),
        ((SENTENCE, SENTENCE + "S"), False),
        (("", ""), False),
        (("Ω" * 44, "Ω" * 44), False),
    ],
    ids=[
        "TD3", "MRV-B", "lengths off", "slips", "TD1",
        "hello", "words", "sentence", "empty", "greek",
    ],
)  # fmt: skip
def test_is_mrz_like_tells_a_damaged_mrz_from_something_else(
    lines: tuple[str, str], like: bool
) -> None:
    assert is_mrz_like(*lines) is like


# -- transliteration ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mrz"),
    [
        ("Müller-Lüdenscheidt", "MUELLER<LUEDENSCHEIDT"),
        ("Strauß", "STRAUSS"),
        ("Ångström", "AANGSTROEM"),
        ("Æsir Øvergaard", "AESIR<OEVERGAARD"),
        ("Peña Núñez", "PENA<NUNEZ"),
        ("François Hélène Zoë", "FRANCOIS<HELENE<ZOE"),
        ("Łukasz Wałęsa", "LUKASZ<WALESA"),
        ("Þórður Guðmundsdóttir", "THORDUR<GUDMUNDSDOTTIR"),
        ("Dvořák Ștefan", "DVORAK<STEFAN"),
        ("IJsselmeer Ĳssel", "IJSSELMEER<IJSSEL"),
        ("O'Neill", "ONEILL"),
        ("  anna   maria ", "ANNA<MARIA"),
        ("Mu\u0308ller", "MUELLER"),  # decomposed ü is still ü
        ("Щербаков", "SHCHERBAKOV"),
        ("Юрий", "IURII"),
        ("Жанна Хмельницкая", "ZHANNA<KHMELNITSKAIA"),
        ("Цой Чехов Шишкин", "TSOI<CHEKHOV<SHISHKIN"),
        ("Мыло Подъезд", "MYLO<PODIEEZD"),
        ("Яна Ёлкина Эдуард", "IANA<ELKINA<EDUARD"),
        ("Игорь", "IGOR"),
    ],
)
def test_to_mrz_name_follows_the_icao_tables(text: str, mrz: str) -> None:
    assert to_mrz_name(text) == mrz


@pytest.mark.parametrize("text", ["Σωκράτης", "محمد", "R2D2"])
def test_to_mrz_name_refuses_what_the_tables_do_not_cover(text: str) -> None:
    with pytest.raises(MrzInputError):
        to_mrz_name(text)


# -- writing -----------------------------------------------------------------------


def test_make_td3_writes_the_specimen() -> None:
    lines = make_td3(
        document_number="L898902C3",
        issuing_state="UTO",
        surname="Eriksson",
        given_names="Anna Maria",
        nationality="UTO",
        birth_date=date(1974, 8, 12),
        sex="F",
        expiry_date=date(2012, 4, 15),
        optional_data="ZE184226B",
    )
    assert lines == TD3


@pytest.mark.parametrize(
    ("make", "lines", "optional"),
    [(make_mrva, MRVA, "6ZE184226B"), (make_mrvb, MRVB, "")],
    ids=["MRV-A", "MRV-B"],
)
def test_make_mrv_writes_the_specimens(make, lines: tuple[str, str], optional: str) -> None:
    written = make(
        document_number="L8988901C",
        issuing_state="UTO",
        surname="Eriksson",
        given_names="Anna Maria",
        nationality="XXX",
        birth_date=date(1940, 9, 7),
        sex="F",
        expiry_date=date(1996, 12, 10),
        optional_data=optional,
    )
    assert written == lines


def test_make_td3_writes_the_german_specimen_with_d_fillers() -> None:
    lines = make_td3(
        document_number="C01X00T47",
        issuing_state="D",
        surname="Mustermann",
        given_names="Erika",
        nationality="D",
        birth_date=date(1964, 8, 12),
        sex="F",
        expiry_date=date(2027, 2, 28),
    )
    assert lines == GERMAN


@pytest.mark.parametrize(
    ("make", "kind", "line1"),
    [
        (make_td3, MrzType.TD3, "P<D<<MUELLER<LUEDENSCHEIDT<<HANS<JUERGEN<<<<"),
        (make_mrva, MrzType.MRVA, "V<D<<MUELLER<LUEDENSCHEIDT<<HANS<JUERGEN<<<<"),
        (make_mrvb, MrzType.MRVB, "V<D<<MUELLER<LUEDENSCHEIDT<<HANS<JUE"),
    ],
    ids=["TD3", "MRV-A", "MRV-B"],
)
def test_german_names_round_trip(make, kind: MrzType, line1: str) -> None:
    lines = make(
        document_number="C01X00T47",
        issuing_state="D",
        surname="Müller-Lüdenscheidt",
        given_names="Hans Jürgen",
        nationality="D",
        birth_date=date(1964, 8, 12),
        sex="M",
        expiry_date=date(2030, 1, 31),
    )
    assert lines[0] == line1
    result = check(lines)
    assert result.valid, result.errors
    assert result.type == kind
    assert result.fields.surname == "MUELLER LUEDENSCHEIDT"
    assert result.fields.birth_date == "1964-08-12"
    assert result.fields.expiry_date == "2030-01-31"
    assert result.fields.sex == "M"


@pytest.mark.parametrize(
    ("make", "kind"),
    [(make_td3, MrzType.TD3), (make_mrva, MrzType.MRVA), (make_mrvb, MrzType.MRVB)],
    ids=["TD3", "MRV-A", "MRV-B"],
)
def test_cyrillic_names_round_trip(make, kind: MrzType) -> None:
    lines = make(
        document_number="751234567",
        issuing_state="RUS",
        surname="Щербаков",
        given_names="Юрий",
        nationality="RUS",
        birth_date=date(1988, 3, 9),
        sex="M",
        expiry_date=date(2029, 11, 30),
    )
    assert lines[0][:25] == ("P" if kind is MrzType.TD3 else "V") + "<RUSSHCHERBAKOV<<IURII<<"
    result = check(lines)
    assert result.valid, result.errors
    assert result.type == kind
    assert (result.fields.surname, result.fields.given_names) == ("SHCHERBAKOV", "IURII")
    assert result.fields.nationality == "RUS"


def test_unspecified_sex_and_unknown_birth_date_are_written_as_fillers() -> None:
    lines = make_td3(
        document_number="X1",
        issuing_state="XOM",
        surname="Doe",
        given_names="",
        nationality="XXA",
        birth_date=None,
        sex="X",
        expiry_date=date(2030, 1, 1),
    )
    assert lines == (
        "P<XOMDOE<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "X1<<<<<<<4XXA<<<<<<0<3001019<<<<<<<<<<<<<<<8",
    )
    result = check(lines)
    assert result.valid, result.errors
    assert (result.fields.sex, result.fields.birth_date) == ("X", None)


@pytest.mark.parametrize(
    ("surname", "given_names", "name"),
    [
        ("Nilavadhanananda", "Chayapa Dejthamrong Krasuang", "NILAVADHANANANDA<<CHAYAPA<DEJTH"),
        ("Nilavadhanananda", "Chayapa Dejt Krasuang", "NILAVADHANANANDA<<CHAYAPA<DEJT<"),
        ("Nilavadhanananda Arnpol Petch", "Chayapa", "NILAVADHANANANDA<ARNPOL<PETC<<C"),
        ("Wolfeschlegelsteinhausenbergerdorff", "", "WOLFESCHLEGELSTEINHAUSENBERGERD"),
    ],
    ids=["secondary cut", "cut at a filler", "primary cut", "single long name"],
)
def test_long_names_are_cut_secondary_identifiers_first(
    surname: str, given_names: str, name: str
) -> None:
    lines = make_mrvb(
        document_number="1",
        issuing_state="THA",
        surname=surname,
        given_names=given_names,
        nationality="THA",
        birth_date=date(1990, 1, 1),
        sex="F",
        expiry_date=date(2026, 1, 1),
    )
    assert lines[0][5:] == name
    result = check(lines)
    assert result.valid, result.errors
    assert cross_check(result, surname=surname, given_names=given_names) == []


def test_a_cut_never_leaves_a_separator_without_a_secondary_initial() -> None:
    lines = make_mrvb(
        document_number="1",
        issuing_state="THA",
        surname="A" * 29,
        given_names="Chayapa",
        nationality="THA",
        birth_date=date(1990, 1, 1),
        sex="F",
        expiry_date=date(2026, 1, 1),
    )
    assert lines[0][5:] == "A" * 28 + "<<C"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"document_number": "L898902C3X"}, "document number"),
        ({"document_number": "L89-8902"}, "document number"),
        ({"document_number": ""}, "document number"),
        ({"issuing_state": "ZZZ"}, "ICAO 9303 code"),
        ({"issuing_state": "DE"}, "ICAO 9303 code"),
        ({"nationality": "UNO"}, "ICAO 9303 code"),
        ({"sex": "Q"}, "sex"),
        ({"surname": ""}, "primary identifier"),
        ({"surname": "Σωκράτης"}, "transliteration"),
        ({"optional_data": "Z" * 15}, "optional data"),
        ({"document_code": "V"}, "document code"),
        ({"document_code": "P12"}, "document code"),
    ],
)
def test_values_that_cannot_be_written_are_refused(change: dict, message: str) -> None:
    values = {
        "document_number": "L898902C3",
        "issuing_state": "UTO",
        "surname": "Eriksson",
        "given_names": "Anna Maria",
        "nationality": "UTO",
        "birth_date": date(1974, 8, 12),
        "sex": "F",
        "expiry_date": date(2012, 4, 15),
        **change,
    }
    with pytest.raises(MrzInputError, match=message):
        make_td3(**values)


# -- property: whatever we write, we read back --------------------------------------------

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_WORD = st.text(alphabet=_LETTERS + "abcxyzÄÖÜßéñøåÆŁЖЩЮЯЪЫйё", min_size=1, max_size=14)
_NAMES = st.lists(_WORD, min_size=1, max_size=5).map(" ".join)


@settings(max_examples=300, deadline=None, database=None)
@given(
    make=st.sampled_from([make_td3, make_mrva, make_mrvb]),
    document_number=st.text(alphabet=_LETTERS + "0123456789", min_size=1, max_size=9),
    issuing_state=st.sampled_from(["D", "GBR", "UTO", "UNO", "EUE", "RKS", "FRA"]),
    nationality=st.sampled_from(["D", "GBD", "XXA", "XXB", "UTO", "RUS", "RKS"]),
    surname=_NAMES,
    given_names=st.one_of(st.just(""), _NAMES),
    age=st.one_of(st.none(), st.integers(min_value=0, max_value=36_000)),
    expiry_offset=st.integers(min_value=-49 * 365, max_value=49 * 365),
    sex=st.sampled_from(["M", "F", "X"]),
    optional_data=st.text(alphabet=_LETTERS + "0123456789", max_size=8),
)  # fmt: skip
def test_every_written_zone_reads_back_valid_with_the_same_values(
    make,
    document_number: str,
    issuing_state: str,
    nationality: str,
    surname: str,
    given_names: str,
    age: int | None,
    expiry_offset: int,
    sex: str,
    optional_data: str,
) -> None:
    birth_date = None if age is None else TODAY - timedelta(days=age)
    expiry_date = TODAY + timedelta(days=expiry_offset)
    lines = make(
        document_number=document_number,
        issuing_state=issuing_state,
        surname=surname,
        given_names=given_names,
        nationality=nationality,
        birth_date=birth_date,
        sex=sex,
        expiry_date=expiry_date,
        optional_data=optional_data,
    )
    result = check(lines)
    assert result.valid, (lines, result.errors)
    assert result.fields.issuing_state == issuing_state
    assert result.fields.optional_data == (optional_data or None)
    assert (
        cross_check(
            result,
            surname=surname,
            given_names=given_names,
            document_number=document_number,
            nationality=nationality,
            birth_date=birth_date,
            sex=sex,
            expiry_date=expiry_date,
        )
        == []
    )


# -- cross_check -------------------------------------------------------------------

ANNA: dict[str, Any] = {
    "surname": "Eriksson",
    "given_names": "Anna Maria",
    "document_number": "l898902c3",
    "nationality": "UTO",
    "birth_date": date(1974, 8, 12),
    "sex": "F",
    "expiry_date": date(2012, 4, 15),
}


def test_cross_check_agrees_with_what_the_holder_typed() -> None:
    assert cross_check(check(TD3), **ANNA) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"surname": "Erikson"}, "SURNAME_MISMATCH"),
        ({"given_names": "Anna"}, "GIVEN_NAMES_MISMATCH"),
        ({"given_names": "Anna Maria Elisabeth"}, "GIVEN_NAMES_MISMATCH"),  # fits: no cut
        ({"document_number": "L898902CD"}, "DOCUMENT_NUMBER_MISMATCH"),
        ({"nationality": "SWE"}, "NATIONALITY_MISMATCH"),
        ({"birth_date": date(1974, 8, 13)}, "BIRTH_DATE_MISMATCH"),
        ({"sex": "M"}, "SEX_MISMATCH"),
        ({"expiry_date": date(2112, 4, 15)}, "EXPIRY_DATE_MISMATCH"),
    ],
)
def test_cross_check_reports_each_difference(change: dict, code: str) -> None:
    errors = cross_check(check(TD3), **{**ANNA, **change})
    assert [error.code for error in errors] == [code]


def test_cross_check_compares_names_in_mrz_letters_and_states_by_code() -> None:
    result = check(GERMAN)
    assert cross_check(result, surname="Mustermann", given_names="erika", nationality="DE") == []
    assert cross_check(result, nationality="DEU") == []
    assert cross_check(check((TD3[0], td3_line2(nationality="GBD"))), nationality="GB") == []
    lines = make_td3(
        document_number="1",
        issuing_state="D",
        surname="Müller-Lüdenscheidt",
        given_names="Jürgen",
        nationality="D",
        birth_date=date(1964, 8, 12),
        sex="M",
        expiry_date=date(2030, 1, 31),
    )
    assert cross_check(check(lines), surname="Müller Lüdenscheidt", given_names="Jürgen") == []


def test_cross_check_cannot_confirm_what_the_zone_does_not_show() -> None:
    unknown_birth = check((TD3[0], td3_line2(birth="<<<<<<")))
    assert cross_check(unknown_birth, birth_date=date(1974, 8, 12)) == [
        MrzError(MrzField.BIRTH_DATE, MrzErrorCode.BIRTH_DATE_MISMATCH)
    ]
    unreadable = check((TD3[0].replace("<ANNA", " ANNA"), TD3[1]))
    assert [error.code for error in cross_check(unreadable, surname="Eriksson")] == [
        "SURNAME_MISMATCH"
    ]
    assert cross_check(check(TD3), surname="Σωκράτης")[0].code == "SURNAME_MISMATCH"


def test_the_layouts_are_the_documented_ones() -> None:
    assert {kind: (layout.length, layout.name_length) for kind, layout in LAYOUTS.items()} == {
        MrzType.TD3: (44, 39),
        MrzType.MRVA: (44, 39),
        MrzType.MRVB: (36, 31),
    }
