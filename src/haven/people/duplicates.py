"""Possible duplicate persons: who in another case may be this same person.

For officers. Read only: this module points at candidates with its reasons,
it never merges or changes anything; deciding is the officer's work.

How a candidate is found:

* **Blocked by birth date.** Only persons born on the same day (or on the day
  with day and month swapped, a common typing error) are compared at all, so
  the work per person stays small however many cases Haven holds.
* **Names in passport letters.** Surname and given names, both as in the
  passport and in the person's own script, are written as ICAO Doc 9303
  writes them in a machine-readable zone (``haven.people.mrz.to_mrz_name``:
  Cyrillic transliterated, ``Ü`` -> ``UE``, other accents dropped, apostrophes
  left out, hyphens as spaces), so ``Иванов`` and ``Ivanov`` compare equal.
  Text in a script the Doc 9303 table does not cover is kept as written
  (upper case), so it still matches the same spelling in the same script.
* **Scored with rapidfuzz.** Each part of the name by edit distance counting
  a swap of neighbouring letters as one error (OSA), the whole name also with
  its words sorted, so a surname typed as a given name still matches.
* **On PostgreSQL, pre-filtered by pg_trgm** on the stored name keys
  (``Person.name_key`` and ``Person.native_name_key``, trigram index of
  migration 0004): only persons in the birth-date block whose names share
  enough trigrams, or whose passport number is the same, are loaded. SQLite
  loads the whole block.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import product

from django.db import connection
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from haven.people.models import Passport, Person
from haven.people.mrz import FILLER, MrzInputError, to_mrz_name

NAME_KEY_LENGTH = 400  # Person.name_key's max_length: 100 + 100 letters, Щ -> SHCH at most

# Scoring: how much each piece of evidence is worth, out of 100. A candidate
# needs MIN_SCORE: the same name (or one typing error) and the same birth
# date, or the same passport and birth date with a different name.
NAME_WEIGHT = 0.75
SAME_BIRTH_DATE_POINTS = 20
SWAPPED_BIRTH_DATE_POINTS = 10
SAME_PASSPORT_POINTS = 40
SAME_NUMBER_OTHER_ISSUER_POINTS = 5  # numbers are unique per issuer only
MIN_SCORE = 75
# A part of the name at least this similar (0-100) is named as a reason.
SIMILAR_PART = 75


class DuplicateReasonCode(enum.StrEnum):
    """Stable codes: why a person may be a duplicate."""

    SAME_BIRTH_DATE = "SAME_BIRTH_DATE"
    BIRTH_DAY_MONTH_SWAPPED = "BIRTH_DAY_MONTH_SWAPPED"
    SAME_SURNAME = "SAME_SURNAME"
    SURNAME_TRANSLITERATED = "SURNAME_TRANSLITERATED"
    SURNAME_ONE_TYPING_ERROR = "SURNAME_ONE_TYPING_ERROR"
    SURNAME_SIMILAR = "SURNAME_SIMILAR"
    SAME_GIVEN_NAMES = "SAME_GIVEN_NAMES"
    GIVEN_NAMES_TRANSLITERATED = "GIVEN_NAMES_TRANSLITERATED"
    GIVEN_NAMES_ONE_TYPING_ERROR = "GIVEN_NAMES_ONE_TYPING_ERROR"
    GIVEN_NAMES_SIMILAR = "GIVEN_NAMES_SIMILAR"
    NAMES_IN_OTHER_ORDER = "NAMES_IN_OTHER_ORDER"
    SAME_PASSPORT_NUMBER = "SAME_PASSPORT_NUMBER"
    SAME_PASSPORT_NUMBER_OTHER_ISSUER = "SAME_PASSPORT_NUMBER_OTHER_ISSUER"


# "this" is the person the officer is looking at, "other" the candidate.
REASON_TEXTS: dict[DuplicateReasonCode, Promise] = {
    DuplicateReasonCode.SAME_BIRTH_DATE: _("same date of birth"),
    DuplicateReasonCode.BIRTH_DAY_MONTH_SWAPPED: _(
        "date of birth with day and month swapped (%(this)s / %(other)s)"
    ),
    DuplicateReasonCode.SAME_SURNAME: _("same surname"),
    DuplicateReasonCode.SURNAME_TRANSLITERATED: _(
        "surname matches after transliteration (%(original)s → %(transliterated)s)"
    ),
    DuplicateReasonCode.SURNAME_ONE_TYPING_ERROR: _(
        "surnames differ by one typing error (%(this)s / %(other)s)"
    ),
    DuplicateReasonCode.SURNAME_SIMILAR: _("similar surnames (%(this)s / %(other)s)"),
    DuplicateReasonCode.SAME_GIVEN_NAMES: _("same given names"),
    DuplicateReasonCode.GIVEN_NAMES_TRANSLITERATED: _(
        "given names match after transliteration (%(original)s → %(transliterated)s)"
    ),
    DuplicateReasonCode.GIVEN_NAMES_ONE_TYPING_ERROR: _(
        "given names differ by one typing error (%(this)s / %(other)s)"
    ),
    DuplicateReasonCode.GIVEN_NAMES_SIMILAR: _("similar given names (%(this)s / %(other)s)"),
    DuplicateReasonCode.NAMES_IN_OTHER_ORDER: _(
        "same names, with surname and given names in another order"
    ),
    DuplicateReasonCode.SAME_PASSPORT_NUMBER: _("same passport number (%(number)s)"),
    DuplicateReasonCode.SAME_PASSPORT_NUMBER_OTHER_ISSUER: _(
        "same passport number (%(number)s) from another issuing state (%(this)s / %(other)s)"
    ),
}


@dataclass(frozen=True)
class DuplicateReason:
    code: DuplicateReasonCode
    params: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def text(self) -> str:
        """The reason in the active language (evaluated when read, not when found)."""
        return str(REASON_TEXTS[self.code]) % self.params


@dataclass(frozen=True)
class DuplicateCandidate:
    person: Person  # with .case and .passport loaded
    score: int  # 0-100
    reasons: tuple[DuplicateReason, ...]

    @property
    def codes(self) -> list[DuplicateReasonCode]:
        return [reason.code for reason in self.reasons]


# -- name keys -------------------------------------------------------------------


def normalise_name(text: str) -> str:
    """One name in passport letters, words separated by single spaces.

    ``Müller-Lüdenscheidt`` -> ``MUELLER LUEDENSCHEIDT``, ``Иванов`` ->
    ``IVANOV``. A script outside Doc 9303's table stays as written, upper-cased.
    """
    try:
        return to_mrz_name(text).replace(FILLER, " ")
    except MrzInputError:
        return " ".join(unicodedata.normalize("NFKC", text).upper().replace("-", " ").split())


def name_key(surname: str, given_names: str) -> str:
    """``SURNAME GIVEN NAMES`` in passport letters: what the database pre-filter compares."""
    return " ".join(
        part for part in (normalise_name(surname), normalise_name(given_names)) if part
    )[:NAME_KEY_LENGTH]


def name_keys_for(person: Person) -> tuple[str, str]:
    """``(name_key, native_name_key)`` for the person's current names.

    The actions that write a person's names store these with them (no logic
    in ``save()``): ``person.name_key, person.native_name_key = name_keys_for(person)``.
    """
    return (
        name_key(person.surname, person.given_names),
        name_key(person.native_surname, person.native_given_names),
    )


# -- comparing -------------------------------------------------------------------


@dataclass(frozen=True)
class _Spelling:
    """One way a person's name is written: as in the passport, or in their own script."""

    surname: str  # as typed
    given_names: str
    surname_key: str  # normalised
    given_names_key: str

    @property
    def key(self) -> str:
        return " ".join(part for part in (self.surname_key, self.given_names_key) if part)


def _spellings(person: Person) -> list[_Spelling]:
    spellings = []
    for surname, given_names in (
        (person.surname, person.given_names),
        (person.native_surname, person.native_given_names),
    ):
        spelling = _Spelling(
            surname, given_names, normalise_name(surname), normalise_name(given_names)
        )
        if spelling.key:
            spellings.append(spelling)
    return spellings


def _part_similarity(this: str, other: str) -> float | None:
    """0-100; None when neither has this part (then it is no evidence either way)."""
    if not this and not other:
        return None
    return OSA.normalized_similarity(this, other) * 100


def _name_score(this: _Spelling, other: _Spelling) -> float:
    parts = [
        similarity
        for similarity in (
            _part_similarity(this.surname_key, other.surname_key),
            _part_similarity(this.given_names_key, other.given_names_key),
        )
        if similarity is not None
    ]
    in_order = sum(parts) / len(parts)
    return max(in_order, fuzz.token_sort_ratio(this.key, other.key))


def _as_written(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).upper().split())


def _part_reasons(
    this: str,
    other: str,
    this_key: str,
    other_key: str,
    codes: tuple[
        DuplicateReasonCode, DuplicateReasonCode, DuplicateReasonCode, DuplicateReasonCode
    ],
) -> list[DuplicateReason]:
    same, transliterated, one_typing_error, similar = codes
    if not this_key or not other_key:
        return []
    if this_key == other_key:
        originals = []
        for text in (this, other):
            if _as_written(text) != this_key and text.strip() not in originals:
                originals.append(text.strip())
        if not originals:
            return [DuplicateReason(same)]
        return [
            DuplicateReason(
                transliterated,
                {"original": " / ".join(originals), "transliterated": this_key},
            )
        ]
    if OSA.distance(this_key, other_key) == 1:
        return [DuplicateReason(one_typing_error, {"this": this_key, "other": other_key})]
    if OSA.normalized_similarity(this_key, other_key) * 100 >= SIMILAR_PART:
        return [DuplicateReason(similar, {"this": this_key, "other": other_key})]
    return []


_SURNAME_CODES = (
    DuplicateReasonCode.SAME_SURNAME,
    DuplicateReasonCode.SURNAME_TRANSLITERATED,
    DuplicateReasonCode.SURNAME_ONE_TYPING_ERROR,
    DuplicateReasonCode.SURNAME_SIMILAR,
)
_GIVEN_NAMES_CODES = (
    DuplicateReasonCode.SAME_GIVEN_NAMES,
    DuplicateReasonCode.GIVEN_NAMES_TRANSLITERATED,
    DuplicateReasonCode.GIVEN_NAMES_ONE_TYPING_ERROR,
    DuplicateReasonCode.GIVEN_NAMES_SIMILAR,
)


def _name_reasons(this: _Spelling, other: _Spelling) -> list[DuplicateReason]:
    reasons = _part_reasons(
        this.surname, other.surname, this.surname_key, other.surname_key, _SURNAME_CODES
    )
    reasons += _part_reasons(
        this.given_names,
        other.given_names,
        this.given_names_key,
        other.given_names_key,
        _GIVEN_NAMES_CODES,
    )
    sorted_words = fuzz.token_sort_ratio(this.key, other.key)
    if sorted_words >= 90 and sorted_words > fuzz.ratio(this.key, other.key):
        reasons.append(DuplicateReason(DuplicateReasonCode.NAMES_IN_OTHER_ORDER))
    return reasons


def _best_name_match(
    these: Iterable[_Spelling], others: Iterable[_Spelling]
) -> tuple[float, list[DuplicateReason]]:
    """The best-matching pair of spellings (passport or own script, either side)."""
    best: tuple[float, _Spelling, _Spelling] | None = None
    for this, other in product(these, others):
        score = _name_score(this, other)
        if best is None or score > best[0]:
            best = (score, this, other)
    if best is None:
        return 0.0, []
    score, this, other = best
    return score, _name_reasons(this, other)


def _passport(person: Person) -> Passport | None:
    try:
        return person.passport
    except Passport.DoesNotExist:
        return None


def _passport_number(passport: Passport | None) -> str:
    return "".join(passport.number.split()).upper() if passport else ""


def _passport_evidence(
    this: Passport | None, other: Passport | None
) -> tuple[int, list[DuplicateReason]]:
    if this is None or other is None:
        return 0, []
    number = _passport_number(this)
    if not number or number != _passport_number(other):
        return 0, []
    issuers = (this.issuing_state.strip().upper(), other.issuing_state.strip().upper())
    if issuers[0] and issuers[1] and issuers[0] != issuers[1]:
        params = {"number": number, "this": issuers[0], "other": issuers[1]}
        reason = DuplicateReason(DuplicateReasonCode.SAME_PASSPORT_NUMBER_OTHER_ISSUER, params)
        return SAME_NUMBER_OTHER_ISSUER_POINTS, [reason]
    reason = DuplicateReason(DuplicateReasonCode.SAME_PASSPORT_NUMBER, {"number": number})
    return SAME_PASSPORT_POINTS, [reason]


def _day_month_swapped(day: date) -> date | None:
    if day.day > 12 or day.day == day.month:
        return None
    return day.replace(month=day.day, day=day.month)


def _trigram_prefilter(keys: Iterable[str], passport_number: str) -> Q:
    """PostgreSQL only: names sharing enough trigrams, or the same passport number.

    ``%`` (not ``similarity() > x``) so the GIN indexes serve it; its threshold
    is pg_trgm's ``similarity_threshold``, 0.3 unless the database says otherwise.
    """
    from django.contrib.postgres.lookups import TrigramSimilar  # needs psycopg: import late

    condition = Q()
    for key, column in product(keys, ("name_key", "native_name_key")):
        condition |= Q(TrigramSimilar(F(column), key))
    if passport_number:
        condition |= Q(passport__number__iexact=passport_number)
    return condition


def duplicate_candidates_for(person: Person, *, limit: int = 10) -> list[DuplicateCandidate]:
    """Persons in other cases who may be this person, best first (at most ``limit``).

    For an officer who may see the person's case (the caller checks that).
    Persons of the same case are never candidates, nor is anyone born on
    another day (except with day and month swapped). A person without a birth
    date has no candidates. Two queries at most, whatever the number of
    candidates: the person's passport (unless already loaded) and the block.
    """
    if person.birth_date is None:
        return []
    these = _spellings(person)
    passport = _passport(person)
    number = _passport_number(passport)
    if not these and not number:
        return []
    swapped = _day_month_swapped(person.birth_date)
    dates = [person.birth_date] if swapped is None else [person.birth_date, swapped]
    block = (
        Person.objects.filter(birth_date__in=dates)
        .exclude(case_id=person.case_id)
        .exclude(pk=person.pk)
        .select_related("case", "passport")
    )
    if connection.vendor == "postgresql":
        block = block.filter(_trigram_prefilter([spelling.key for spelling in these], number))
    candidates = []
    for other in block:
        name_similarity, reasons = _best_name_match(these, _spellings(other))
        if other.birth_date == person.birth_date:
            date_points = SAME_BIRTH_DATE_POINTS
            reasons.insert(0, DuplicateReason(DuplicateReasonCode.SAME_BIRTH_DATE))
        else:
            date_points = SWAPPED_BIRTH_DATE_POINTS
            params = {"this": person.birth_date.isoformat(), "other": str(other.birth_date)}
            reasons.insert(0, DuplicateReason(DuplicateReasonCode.BIRTH_DAY_MONTH_SWAPPED, params))
        passport_points, passport_reasons = _passport_evidence(passport, _passport(other))
        score = min(100, round(NAME_WEIGHT * name_similarity + date_points + passport_points))
        if score >= MIN_SCORE:
            candidates.append(DuplicateCandidate(other, score, tuple(reasons + passport_reasons)))
    candidates.sort(key=lambda candidate: (-candidate.score, candidate.person.pk))
    return candidates[:limit]
