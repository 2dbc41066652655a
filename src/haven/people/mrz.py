"""ICAO Doc 9303 machine-readable zones: read, check and write passports and visas.

Three formats, two lines each (Doc 9303 Parts 4 and 7, 7th/8th edition):

``TD3`` (passport, 2 x 44)
    ``P`` + type, issuing state, name | document number + check digit,
    nationality, birth date + check, sex, expiry date + check, personal number
    (14) + check, composite check digit.
``MRVA`` (visa format A, 2 x 44) and ``MRVB`` (visa format B, 2 x 36)
    ``V`` + type, issuing state, name | the same first 28 characters, then
    optional data (16 or 8); no optional-data or composite check digit.

We write this ourselves rather than take a library because Haven must also
*print* visa MRZs, the rules are small and exact, and an officer deciding on a
residence permit must be able to trace every verdict to a paragraph of Doc 9303.

Reading never guesses: ``check_mrz`` reports every fault it finds as an
``MrzError`` with a stable code and still returns every field it could read.
Decisions on the points where Doc 9303 leaves room:

* Input is stripped of surrounding whitespace and upper-cased, but any
  character other than ``A-Z a-z 0-9 <`` is ``INVALID_CHARACTERS`` (checked
  before upper-casing, so a dotless i or a long s is not quietly made a letter)
  and that line is not read further: its positions can no longer be trusted.
* Codes are read as printed, fillers dropped (``D<<`` -> ``D``). A code must be
  three letters or Germany's ``D``: ISO alpha-2 codes, which
  ``parse_nationality`` also accepts, never appear in an MRZ.
* Sex ``<`` (Doc 9303: unspecified) is returned as ``X``; an ``X`` printed in
  the MRZ is accepted too, because several issuers print it.
* A birth date wholly or partly unknown is printed with fillers (Part 3,
  ``YY<<<<``, ``YYMM<<`` or ``<<<<<<``): accepted, read as ``None``.
* Two-digit years: a birth date is the latest date not after ``today``; an
  expiry date lies within 50 years either side of ``today`` (for this century:
  20YY unless that is more than 50 years ahead). An expired document is not a
  fault of its MRZ.
* Only the nine-character document number of TD3 and MRV is supported (the
  long-number extension of Part 5 belongs to TD1 cards).
* The 7-3-1 check digit cannot see a substitution between characters whose
  values differ by ten (``0``/``A``, ``3``/``D``): Doc 9303's limit, not ours.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from haven.rules.nationality import UnknownNationalityCode, parse_nationality

FILLER = "<"
_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALPHABET = frozenset(_LETTERS + _DIGITS + FILLER)
_INPUT_ALPHABET = _ALPHABET | frozenset(_LETTERS.lower())

# Doc 9303 Part 3, section 5: issuers that are organisations, not states.
# EUE European Union; UNO, UNA United Nations and its specialised agencies;
# UNK UNMIK for residents of Kosovo; Part D: African Development Bank (XBA),
# Afreximbank (XIM), CARICOM (XCC), Council of Europe (XCE), COMESA (XCO),
# ECOWAS (XEC), INTERPOL (XPO), OECS (XES), Parliamentary Assembly of the
# Mediterranean (XMP), Sovereign Military Order of Malta (XOM), SADC (XDC).
ISSUING_ORGANISATIONS = frozenset(
    {
        *("EUE", "UNO", "UNA", "UNK"),
        *("XBA", "XIM", "XCC", "XCE", "XCO", "XEC", "XPO", "XES", "XMP", "XOM", "XDC"),
    }
)
# "Utopia", the state of Doc 9303's specimens. Accepted so the specimens read as
# valid; a document that shows it is a specimen, never a real travel document.
SPECIMEN_STATE = "UTO"


class MrzType(enum.StrEnum):
    TD3 = "TD3"  # passport, Part 4
    MRVA = "MRVA"  # visa format A, Part 7
    MRVB = "MRVB"  # visa format B, Part 7


class MrzField(enum.StrEnum):
    """Where an error lies: a whole line, or one field of the zone."""

    LINE1 = "line1"
    LINE2 = "line2"
    DOCUMENT_CODE = "document_code"
    ISSUING_STATE = "issuing_state"
    NAME = "name"
    SURNAME = "surname"
    GIVEN_NAMES = "given_names"
    DOCUMENT_NUMBER = "document_number"
    NATIONALITY = "nationality"
    BIRTH_DATE = "birth_date"
    SEX = "sex"
    EXPIRY_DATE = "expiry_date"
    OPTIONAL_DATA = "optional_data"
    COMPOSITE = "composite"


class MrzErrorCode(enum.StrEnum):
    """Stable codes: the CLI's JSON and the application form depend on them."""

    LINE_LENGTH = "LINE_LENGTH"
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    DOCUMENT_CODE = "DOCUMENT_CODE"
    ISSUING_STATE_UNKNOWN = "ISSUING_STATE_UNKNOWN"
    NAME_INVALID = "NAME_INVALID"
    DOCUMENT_NUMBER_INVALID = "DOCUMENT_NUMBER_INVALID"
    DOCUMENT_NUMBER_CHECK_DIGIT = "DOCUMENT_NUMBER_CHECK_DIGIT"
    NATIONALITY_UNKNOWN = "NATIONALITY_UNKNOWN"
    BIRTH_DATE_INVALID = "BIRTH_DATE_INVALID"
    BIRTH_DATE_CHECK_DIGIT = "BIRTH_DATE_CHECK_DIGIT"
    SEX_INVALID = "SEX_INVALID"
    EXPIRY_DATE_INVALID = "EXPIRY_DATE_INVALID"
    EXPIRY_DATE_CHECK_DIGIT = "EXPIRY_DATE_CHECK_DIGIT"
    OPTIONAL_DATA_CHECK_DIGIT = "OPTIONAL_DATA_CHECK_DIGIT"
    COMPOSITE_CHECK_DIGIT = "COMPOSITE_CHECK_DIGIT"
    # cross_check: what a person typed differs from what the zone says.
    SURNAME_MISMATCH = "SURNAME_MISMATCH"
    GIVEN_NAMES_MISMATCH = "GIVEN_NAMES_MISMATCH"
    DOCUMENT_NUMBER_MISMATCH = "DOCUMENT_NUMBER_MISMATCH"
    NATIONALITY_MISMATCH = "NATIONALITY_MISMATCH"
    BIRTH_DATE_MISMATCH = "BIRTH_DATE_MISMATCH"
    SEX_MISMATCH = "SEX_MISMATCH"
    EXPIRY_DATE_MISMATCH = "EXPIRY_DATE_MISMATCH"


@dataclass(frozen=True)
class MrzError:
    field: MrzField
    code: MrzErrorCode

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field.value, "code": self.code.value}


# The keys of ``MrzResult.as_dict()["fields"]``: a contract with outside callers.
CONTRACT_FIELDS = (
    "document_number",
    "issuing_state",
    "nationality",
    "surname",
    "given_names",
    "birth_date",
    "sex",
    "expiry_date",
)


@dataclass(frozen=True)
class MrzFields:
    """What the zone says, as plain values; ``None`` where it cannot be read.

    Dates are ISO ``YYYY-MM-DD`` with the century resolved; names have fillers
    turned into single spaces; codes are as printed without fillers.
    """

    document_code: str | None = None  # "P", "PO", "V", "VA"...
    document_number: str | None = None
    issuing_state: str | None = None
    nationality: str | None = None
    surname: str | None = None
    given_names: str | None = None
    birth_date: str | None = None
    sex: str | None = None  # "M", "F" or "X" (unspecified)
    expiry_date: str | None = None
    optional_data: str | None = None  # TD3: the personal number; None when all fillers


@dataclass(frozen=True)
class MrzResult:
    type: MrzType | None
    errors: list[MrzError]
    fields: MrzFields

    @property
    def valid(self) -> bool:
        return not self.errors

    def codes(self) -> list[str]:
        return [error.code.value for error in self.errors]

    def as_dict(self) -> dict[str, Any]:
        """The shape ``haven mrz check --format json`` prints."""
        return {
            "valid": self.valid,
            "type": self.type.value if self.type else None,
            "errors": [error.as_dict() for error in self.errors],
            "fields": {name: getattr(self.fields, name) for name in CONTRACT_FIELDS},
        }


class MrzInputError(ValueError):
    """Values that cannot be written into a zone (generation, transliteration)."""


@dataclass(frozen=True)
class _Layout:
    type: MrzType
    length: int
    document_letter: str
    optional_length: int
    # TD3 alone protects its optional data with a check digit and closes line 2
    # with a composite check digit (Part 4 4.2.2.2); visas have neither (Part 7).
    has_composite: bool

    @property
    def name_length(self) -> int:
        return self.length - 5


LAYOUTS = {
    MrzType.TD3: _Layout(MrzType.TD3, 44, "P", 14, has_composite=True),
    MrzType.MRVA: _Layout(MrzType.MRVA, 44, "V", 16, has_composite=False),
    MrzType.MRVB: _Layout(MrzType.MRVB, 36, "V", 8, has_composite=False),
}
_LINE_LENGTHS = frozenset(layout.length for layout in LAYOUTS.values())

# Line 2 positions shared by all three formats (0-based slices).
_NUMBER = slice(0, 9)
_NUMBER_CHECK = 9
_NATIONALITY = slice(10, 13)
_BIRTH = slice(13, 19)
_BIRTH_CHECK = 19
_SEX = 20
_EXPIRY = slice(21, 27)
_EXPIRY_CHECK = 27
_OPTIONAL_START = 28


# -- check digits ---------------------------------------------------------------


def _value(character: str) -> int:
    if character == FILLER:
        return 0
    if character in _DIGITS:
        return int(character)
    if character in _LETTERS:
        return ord(character) - ord("A") + 10
    raise MrzInputError(f"{character!r} is not an MRZ character")


def check_digit(text: str) -> str:
    """Doc 9303 Part 3 4.9: weights 7, 3, 1 repeating, sum modulo 10."""
    weights = (7, 3, 1)
    total = sum(_value(character) * weights[i % 3] for i, character in enumerate(text))
    return str(total % 10)


def _check_digit_holds(text: str, printed: str) -> bool:
    return printed in _DIGITS and check_digit(text) == printed


# -- reading --------------------------------------------------------------------


def _normalise(line: str) -> tuple[str, bool]:
    """The line as read, and whether it holds only MRZ characters (any case)."""
    stripped = line.strip()
    return stripped.upper(), all(character in _INPUT_ALPHABET for character in stripped)


def is_mrz_like(line1: str, line2: str) -> bool:
    """Whether the input could be an MRZ at all, however damaged.

    For the CLI's exit code 2: lengths near 30, 36 or 44, at least 80 % MRZ
    characters, and a filler somewhere or the digits of a line 2. A wrong length
    or a stray space still makes an (invalid) MRZ; a sentence does not.
    """
    lines = [line.strip().upper() for line in (line1, line2)]
    if any(not 26 <= len(line) <= 48 for line in lines):
        return False
    text = "".join(lines)
    share = sum(character in _ALPHABET for character in text) / len(text)
    digits = sum(character in _DIGITS for character in lines[1])
    return share >= 0.8 and (FILLER in text or digits >= 6)


def _is_known_code(code: str, *, issuer: bool) -> bool:
    if code == SPECIMEN_STATE or (issuer and code in ISSUING_ORGANISATIONS):
        return True
    if len(code) != 3 and code != "D":
        return False
    try:
        parse_nationality(code)
    except UnknownNationalityCode:
        return False
    return True


def _read_code(printed: str) -> str | None:
    """``D<<`` -> ``D``; None unless letters followed by fillers."""
    code = printed.rstrip(FILLER)
    if not code or not all(character in _LETTERS for character in code):
        return None
    return code


def _read_name(printed: str) -> tuple[str, str] | None:
    """Primary and secondary identifiers, or None when the field breaks Part 3 4.6."""
    content = printed.rstrip(FILLER)
    if not content or content.startswith(FILLER):
        return None  # a name always has a primary identifier
    if not all(character in _LETTERS or character == FILLER for character in content):
        return None
    primary, _, secondary = content.partition(FILLER * 2)
    if secondary.startswith(FILLER) or FILLER * 2 in secondary:
        return None
    return primary.replace(FILLER, " "), secondary.replace(FILLER, " ")


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _calendar_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _birth_date(yymmdd: str, today: date) -> date | None:
    """The latest real date with these digits that is not after ``today``."""
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    century = today.year - today.year % 100
    for year in (century + yy, century - 100 + yy):
        candidate = _calendar_date(year, month, day)
        if candidate is not None and candidate <= today:
            return candidate
    return None


def _expiry_date(yymmdd: str, today: date) -> date | None:
    """The real date with these digits within 50 years either side of ``today``."""
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    century = today.year - today.year % 100
    earliest, latest = _add_years(today, -50), _add_years(today, 50)
    for year in (century + yy, century - 100 + yy, century + 100 + yy):
        candidate = _calendar_date(year, month, day)
        if candidate is not None and earliest < candidate <= latest:
            return candidate
    return None


def _unknown_birth_date(printed: str) -> bool:
    """Part 3 4.8: what is unknown of a birth date is fillers: the day, the month, the year."""
    for known in (0, 2, 4):
        head, tail = printed[:known], printed[known:]
        if tail == FILLER * len(tail) and all(character in _DIGITS for character in head):
            return known < 4 or 1 <= int(head[2:4]) <= 12
    return False


class _Reader:
    """Collects errors and fields while walking the two lines once."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.errors: list[MrzError] = []
        self.values: dict[str, str | None] = {}

    def fail(self, field: MrzField, code: MrzErrorCode) -> None:
        self.errors.append(MrzError(field, code))

    def check(self, text: str, printed: str, field: MrzField, code: MrzErrorCode) -> None:
        if not _check_digit_holds(text, printed):
            self.fail(field, code)

    def code(self, printed: str, field: MrzField, code: MrzErrorCode, *, issuer: bool) -> None:
        value = _read_code(printed)
        self.values[field.value] = value
        if value is None or not _is_known_code(value, issuer=issuer):
            self.fail(field, code)

    def line1(self, line: str, layout: _Layout | None) -> None:
        self.values["document_code"] = line[:2].rstrip(FILLER) or None
        if layout is None or line[1] not in _LETTERS + FILLER:
            self.fail(MrzField.DOCUMENT_CODE, MrzErrorCode.DOCUMENT_CODE)
        self.code(
            line[2:5], MrzField.ISSUING_STATE, MrzErrorCode.ISSUING_STATE_UNKNOWN, issuer=True
        )
        name = _read_name(line[5:])
        if name is None:
            self.fail(MrzField.NAME, MrzErrorCode.NAME_INVALID)
        else:
            self.values["surname"], self.values["given_names"] = name

    def line2(self, line: str, layout: _Layout | None) -> None:
        number = line[_NUMBER].rstrip(FILLER)
        self.values["document_number"] = number or None
        if not number:
            self.fail(MrzField.DOCUMENT_NUMBER, MrzErrorCode.DOCUMENT_NUMBER_INVALID)
        self.check(
            line[_NUMBER],
            line[_NUMBER_CHECK],
            MrzField.DOCUMENT_NUMBER,
            MrzErrorCode.DOCUMENT_NUMBER_CHECK_DIGIT,
        )
        self.code(
            line[_NATIONALITY], MrzField.NATIONALITY, MrzErrorCode.NATIONALITY_UNKNOWN, issuer=False
        )
        self.birth(line[_BIRTH])
        self.check(
            line[_BIRTH],
            line[_BIRTH_CHECK],
            MrzField.BIRTH_DATE,
            MrzErrorCode.BIRTH_DATE_CHECK_DIGIT,
        )
        self.sex(line[_SEX])
        self.expiry(line[_EXPIRY])
        self.check(
            line[_EXPIRY],
            line[_EXPIRY_CHECK],
            MrzField.EXPIRY_DATE,
            MrzErrorCode.EXPIRY_DATE_CHECK_DIGIT,
        )
        if layout is not None:
            self.tail(line, layout)

    def birth(self, printed: str) -> None:
        if all(character in _DIGITS for character in printed):
            born = _birth_date(printed, self.today)
            self.values["birth_date"] = born.isoformat() if born else None
            if born is None:
                self.fail(MrzField.BIRTH_DATE, MrzErrorCode.BIRTH_DATE_INVALID)
        elif not _unknown_birth_date(printed):
            self.fail(MrzField.BIRTH_DATE, MrzErrorCode.BIRTH_DATE_INVALID)

    def sex(self, printed: str) -> None:
        if printed in "MF":
            self.values["sex"] = printed
        elif printed in (FILLER, "X"):
            self.values["sex"] = "X"
        else:
            self.fail(MrzField.SEX, MrzErrorCode.SEX_INVALID)

    def expiry(self, printed: str) -> None:
        expires = None
        if all(character in _DIGITS for character in printed):
            expires = _expiry_date(printed, self.today)
        self.values["expiry_date"] = expires.isoformat() if expires else None
        if expires is None:
            self.fail(MrzField.EXPIRY_DATE, MrzErrorCode.EXPIRY_DATE_INVALID)

    def tail(self, line: str, layout: _Layout) -> None:
        end = _OPTIONAL_START + layout.optional_length
        optional = line[_OPTIONAL_START:end]
        self.values["optional_data"] = optional.rstrip(FILLER) or None
        if not layout.has_composite:
            return
        printed = line[end]
        unused = optional == FILLER * len(optional)
        # Part 4: an unused personal-number field may carry < or 0 as its check digit.
        if not (unused and printed in (FILLER, "0")):
            self.check(
                optional, printed, MrzField.OPTIONAL_DATA, MrzErrorCode.OPTIONAL_DATA_CHECK_DIGIT
            )
        composite = line[0:10] + line[13:20] + line[21 : end + 1]
        self.check(composite, line[end + 1], MrzField.COMPOSITE, MrzErrorCode.COMPOSITE_CHECK_DIGIT)


def _layout_for(line1: str, length: int) -> _Layout | None:
    for layout in LAYOUTS.values():
        if layout.length == length and line1[:1] == layout.document_letter:
            return layout
    return None


def check_mrz(line1: str, line2: str, *, today: date | None = None) -> MrzResult:
    """Read and check a two-line MRZ; ``today`` resolves two-digit years.

    The format follows from the line length and the document code. Every
    fault is reported; fields are read wherever their line is readable.
    """
    reader = _Reader(today or date.today())
    lines = [_normalise(line1), _normalise(line2)]
    line_fields = (MrzField.LINE1, MrzField.LINE2)
    # The first line of a known length sets the format the other must match.
    length = next((len(text) for text, _ in lines if len(text) in _LINE_LENGTHS), None)
    readable: list[str | None] = []
    for field, (text, clean) in zip(line_fields, lines, strict=True):
        if len(text) != length:
            reader.fail(field, MrzErrorCode.LINE_LENGTH)
        if not clean:
            reader.fail(field, MrzErrorCode.INVALID_CHARACTERS)
        readable.append(text if clean and len(text) == length else None)
    first, second = readable
    layout = _layout_for(first, len(first)) if first is not None else None
    if first is not None:
        reader.line1(first, layout)
    if second is not None:
        reader.line2(second, layout)
    return MrzResult(
        type=layout.type if layout else None,
        errors=reader.errors,
        fields=MrzFields(**reader.values),
    )


# -- transliteration --------------------------------------------------------------

# Doc 9303 Part 3 section 6, multinational Latin characters that are more than
# their base letter. Every other accented Latin letter loses its accent (the
# table's "A" for À, Á, Â, Ã, Ā, Ă, Ą ...), which Unicode decomposition gives us.
_LATIN = {
    "Ä": "AE",
    "Å": "AA",
    "Æ": "AE",
    "Ö": "OE",
    "Ø": "OE",
    "Ü": "UE",
    "ẞ": "SS",
    "Þ": "TH",
    "Ð": "D",
    "Đ": "D",
    "Ħ": "H",
    "Ĳ": "IJ",
    "Ł": "L",
    "Ŀ": "L",
    "Ŋ": "N",
    "Œ": "OE",
    "Ŧ": "T",
}
# Doc 9303 Part 3 section 6, Cyrillic, the table's general column. Language
# exceptions (Ukrainian Г -> H and the like) are the issuing state's choice.
_CYRILLIC = {
    "А": "A",
    "Б": "B",
    "В": "V",
    "Г": "G",
    "Ґ": "G",
    "Д": "D",
    "Ђ": "D",
    "Ѓ": "G",
    "Е": "E",
    "Ё": "E",
    "Є": "IE",
    "Ж": "ZH",
    "З": "Z",
    "Ѕ": "DZ",
    "И": "I",
    "І": "I",
    "Ї": "I",
    "Й": "I",
    "Ј": "J",
    "К": "K",
    "Л": "L",
    "Љ": "LJ",
    "М": "M",
    "Н": "N",
    "Њ": "NJ",
    "О": "O",
    "П": "P",
    "Р": "R",
    "С": "S",
    "Т": "T",
    "Ћ": "C",
    "Ќ": "K",
    "У": "U",
    "Ў": "U",
    "Ф": "F",
    "Х": "KH",
    "Ц": "TS",
    "Ч": "CH",
    "Џ": "DZ",
    "Ш": "SH",
    "Щ": "SHCH",
    "Ъ": "IE",
    "Ы": "Y",
    "Ь": "",
    "Э": "E",
    "Ю": "IU",
    "Я": "IA",
}
_SEPARATORS = frozenset(" -,<\u00a0\u2010\u2011\u2012\u2013\u2014")
# Part 3 4.6: apostrophes are left out (O'NEILL -> ONEILL), so are full stops.
_OMITTED = frozenset("'.\u2018\u2019\u02bc`\u00b4")


def _transliterate(character: str) -> str:
    if character in _LETTERS:
        return character
    if character in _LATIN:
        return _LATIN[character]
    if character in _CYRILLIC:
        return _CYRILLIC[character]
    if character in _SEPARATORS:
        return FILLER
    if character in _OMITTED or unicodedata.combining(character):
        return ""
    decomposed = unicodedata.normalize("NFKD", character)
    if decomposed != character:
        return "".join(_transliterate(part) for part in decomposed)
    raise MrzInputError(f"{character!r} has no ICAO 9303 transliteration")


def to_mrz_name(text: str) -> str:
    """Names in MRZ letters: ``Müller-Lüdenscheidt`` -> ``MUELLER<LUEDENSCHEIDT``.

    Doc 9303 Part 3: Latin letters lose their accents except those the table
    spells out (Ä AE, Ö OE, Ü UE, ß SS, Å AA, Æ AE, Ø OE...); Cyrillic follows
    the Part 3 table (Ж ZH, Щ SHCH, Ю IU...); spaces and hyphens become one
    filler. Raises ``MrzInputError`` for a script the table does not cover.
    """
    letters = "".join(
        _transliterate(character) for character in unicodedata.normalize("NFC", text).upper()
    )
    components = [component for component in letters.split(FILLER) if component]
    return FILLER.join(components)


# -- writing --------------------------------------------------------------------


def _name_field(surname: str, given_names: str, width: int) -> str:
    """Part 3 4.6: primary ``<<`` secondary; when too long, cut secondary identifiers first.

    Secondary identifiers are cut from the end, down to a single initial, before
    the primary identifier is touched; a cut never leaves fillers at its end.
    """
    primary, secondary = to_mrz_name(surname), to_mrz_name(given_names)
    if not primary:
        raise MrzInputError("a name needs a primary identifier (surname)")
    name = f"{primary}{FILLER * 2}{secondary}" if secondary else primary
    if len(name) > width:
        room = width - len(primary) - 2
        if secondary and room >= 1:
            name = f"{primary}{FILLER * 2}{secondary[:room].rstrip(FILLER)}"
        elif secondary:
            name = f"{primary[: width - 3].rstrip(FILLER)}{FILLER * 2}{secondary[0]}"
        else:
            name = primary[:width].rstrip(FILLER)
    return name.ljust(width, FILLER)


def _code_field(code: str, *, issuer: bool) -> str:
    value = code.strip().upper().rstrip(FILLER)
    if _read_code(value) is None or not _is_known_code(value, issuer=issuer):
        raise MrzInputError(f"{code!r} is not an ICAO 9303 code for this field")
    return value.ljust(3, FILLER)


def _text_field(text: str, width: int, what: str, *, required: bool = False) -> str:
    value = text.strip().upper()
    if len(value) > width or not all(character in _ALPHABET for character in value):
        raise MrzInputError(f"{what} {text!r} must be at most {width} of A-Z, 0-9 and <")
    if required and not value.rstrip(FILLER):
        raise MrzInputError(f"{what} is required")
    return value.ljust(width, FILLER)


def _date_field(day: date | None) -> str:
    return FILLER * 6 if day is None else day.strftime("%y%m%d")


def _sex_field(sex: str) -> str:
    value = sex.strip().upper()
    if value in ("M", "F"):
        return value
    if value in ("X", FILLER, ""):
        return FILLER  # Doc 9303: unspecified is a filler in the MRZ
    raise MrzInputError(f"sex {sex!r} must be M, F or X")


def _make(
    layout: _Layout,
    *,
    document_code: str,
    document_number: str,
    issuing_state: str,
    surname: str,
    given_names: str,
    nationality: str,
    birth_date: date | None,
    sex: str,
    expiry_date: date,
    optional_data: str,
) -> tuple[str, str]:
    code = document_code.strip().upper()
    if not code.startswith(layout.document_letter) or not (
        len(code) == 1 or (len(code) == 2 and code[1] in _LETTERS + FILLER)
    ):
        raise MrzInputError(f"document code {document_code!r} does not fit {layout.type}")
    line1 = (
        code.ljust(2, FILLER)
        + _code_field(issuing_state, issuer=True)
        + _name_field(surname, given_names, layout.name_length)
    )
    number = _text_field(document_number, 9, "document number", required=True)
    born, expires = _date_field(birth_date), _date_field(expiry_date)
    line2 = (
        number
        + check_digit(number)
        + _code_field(nationality, issuer=False)
        + born
        + check_digit(born)
        + _sex_field(sex)
        + expires
        + check_digit(expires)
    )
    optional = _text_field(optional_data, layout.optional_length, "optional data")
    line2 += optional
    if layout.has_composite:
        unused = optional == FILLER * len(optional)
        line2 += FILLER if unused else check_digit(optional)
        line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:])
    return line1, line2


def make_td3(
    *,
    document_number: str,
    issuing_state: str,
    surname: str,
    given_names: str,
    nationality: str,
    birth_date: date | None,
    sex: str,
    expiry_date: date,
    optional_data: str = "",
    document_code: str = "P",
) -> tuple[str, str]:
    """A passport's two lines (Part 4); ``optional_data`` is the personal number.

    ``birth_date=None`` prints an unknown birth date as fillers; ``sex`` "X"
    prints the filler Doc 9303 prescribes. Raises ``MrzInputError``.
    """
    return _make(
        LAYOUTS[MrzType.TD3],
        document_code=document_code,
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


def make_mrva(
    *,
    document_number: str,
    issuing_state: str,
    surname: str,
    given_names: str,
    nationality: str,
    birth_date: date | None,
    sex: str,
    expiry_date: date,
    optional_data: str = "",
    document_code: str = "V",
) -> tuple[str, str]:
    """A format-A visa's two lines (Part 7, 2 x 44): the visa Haven prints on a full page."""
    return _make(
        LAYOUTS[MrzType.MRVA],
        document_code=document_code,
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


def make_mrvb(
    *,
    document_number: str,
    issuing_state: str,
    surname: str,
    given_names: str,
    nationality: str,
    birth_date: date | None,
    sex: str,
    expiry_date: date,
    optional_data: str = "",
    document_code: str = "V",
) -> tuple[str, str]:
    """A format-B visa's two lines (Part 7, 2 x 36): the smaller sticker."""
    return _make(
        LAYOUTS[MrzType.MRVB],
        document_code=document_code,
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


# -- comparing with what a person typed -------------------------------------------


def _mrz_name_or_none(text: str) -> str | None:
    try:
        return to_mrz_name(text)
    except MrzInputError:
        return None


def _names_agree(typed: str, read: str | None, *, truncated: bool) -> bool:
    """Equal in MRZ letters; a prefix suffices where the zone had to cut the name."""
    expected = _mrz_name_or_none(typed)
    if expected is None or read is None:
        return False
    actual = to_mrz_name(read)
    return actual == expected or (truncated and expected.startswith(actual))


def _nationality_key(code: str) -> str:
    value = code.strip().upper().rstrip(FILLER)
    try:
        return parse_nationality(value).code
    except UnknownNationalityCode:
        return value


def cross_check(
    result: MrzResult,
    *,
    surname: str | None = None,
    given_names: str | None = None,
    document_number: str | None = None,
    nationality: str | None = None,
    birth_date: date | None = None,
    sex: str | None = None,
    expiry_date: date | None = None,
) -> list[MrzError]:
    """What a person typed against what their document's zone says.

    For the application form: each value given (``None`` means "not asked") is
    compared with the zone's; a field the zone does not show (unreadable, or an
    unknown birth date) cannot confirm the typed value, so it is a mismatch.
    Names compare in MRZ letters (``Müller`` matches ``MUELLER``); where the
    typed name is too long for the zone, the zone's truncation is accepted.
    Nationalities compare as states (``DE``, ``DEU`` and ``D`` agree).
    """
    fields = result.fields
    errors: list[MrzError] = []

    def mismatch(field: MrzField, code: MrzErrorCode) -> None:
        errors.append(MrzError(field, code))

    if surname is not None or given_names is not None:
        primary = _mrz_name_or_none(surname or "") or ""
        secondary = _mrz_name_or_none(given_names or "") or ""
        length = len(primary) + (2 + len(secondary) if secondary else 0)
        truncated = result.type is not None and length > LAYOUTS[result.type].name_length
        if surname is not None and not _names_agree(surname, fields.surname, truncated=truncated):
            mismatch(MrzField.SURNAME, MrzErrorCode.SURNAME_MISMATCH)
        if given_names is not None and not _names_agree(
            given_names, fields.given_names, truncated=truncated
        ):
            mismatch(MrzField.GIVEN_NAMES, MrzErrorCode.GIVEN_NAMES_MISMATCH)
    if document_number is not None and (
        "".join(document_number.split()).upper() != fields.document_number
    ):
        mismatch(MrzField.DOCUMENT_NUMBER, MrzErrorCode.DOCUMENT_NUMBER_MISMATCH)
    if nationality is not None and (
        fields.nationality is None
        or _nationality_key(nationality) != _nationality_key(fields.nationality)
    ):
        mismatch(MrzField.NATIONALITY, MrzErrorCode.NATIONALITY_MISMATCH)
    if birth_date is not None and birth_date.isoformat() != fields.birth_date:
        mismatch(MrzField.BIRTH_DATE, MrzErrorCode.BIRTH_DATE_MISMATCH)
    if sex is not None and sex.strip().upper().replace(FILLER, "X") != fields.sex:
        mismatch(MrzField.SEX, MrzErrorCode.SEX_MISMATCH)
    if expiry_date is not None and expiry_date.isoformat() != fields.expiry_date:
        mismatch(MrzField.EXPIRY_DATE, MrzErrorCode.EXPIRY_DATE_MISMATCH)
    return errors
