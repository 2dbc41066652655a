"""Possible duplicate persons: transliterated names, typing errors, birth-date blocks, passports.

Every person is an applicant of their own draft, made through ``case_start``,
``case_update_person`` and ``case_update_passport`` (which also store the
name keys), except the family member of the same-case test: no action adds
family members yet. The tests run unchanged on SQLite and PostgreSQL, where a
trigram pre-filter must not lose any of these candidates.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.apps import apps as django_apps

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.casework import applicant_actions
from haven.people.duplicates import (
    DuplicateReasonCode,
    duplicate_candidates_for,
    name_key,
    name_keys_for,
    normalise_name,
)
from haven.people.models import Person

pytestmark = pytest.mark.django_db

BORN = date(1980, 5, 7)
Code = DuplicateReasonCode


@pytest.fixture
def make_person(make_user: Callable[..., User]) -> Callable[..., Person]:
    """The applicant of a new draft with these names, birth date and passport."""

    def make(
        surname: str,
        given_names: str,
        *,
        native_surname: str = "",
        native_given_names: str = "",
        birth_date: date | None = BORN,
        passport: dict[str, Any] | None = None,
    ) -> Person:
        applicant = make_user(Role.APPLICANT)
        case = applicant_actions.case_start(applicant=applicant, programme_id="shared-values")
        applicant_actions.case_update_person(
            actor=applicant,
            case=case,
            data={
                "surname": surname,
                "given_names": given_names,
                "native_surname": native_surname,
                "native_given_names": native_given_names,
                "birth_date": birth_date,
            },
        )
        if passport:
            applicant_actions.case_update_passport(actor=applicant, case=case, data=passport)
        return Person.objects.get(case=case)

    return make


def texts(person: Person) -> list[list[str]]:
    return [
        [reason.text for reason in candidate.reasons]
        for candidate in duplicate_candidates_for(person)
    ]


# -- names in passport letters ---------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Müller-Lüdenscheidt", "MUELLER LUEDENSCHEIDT"),
        ("O'Neill", "ONEILL"),
        ("  José  María ", "JOSE MARIA"),
        ("Иванов", "IVANOV"),
        ("Щербаков", "SHCHERBAKOV"),
        ("Łukasz", "LUKASZ"),
        ("محمد", "محمد"),  # no Doc 9303 table: kept as written
        ("", ""),
    ],
)
def test_names_are_normalised_as_a_passport_prints_them(written: str, normalised: str) -> None:
    assert normalise_name(written) == normalised


def test_updating_a_person_stores_both_name_keys(make_person: Callable[..., Person]) -> None:
    person = make_person(
        "Iwanow", "Iwan Petrowitsch", native_surname="Иванов", native_given_names="Иван Петрович"
    )
    assert (person.name_key, person.native_name_key) == (
        "IWANOW IWAN PETROWITSCH",
        "IVANOV IVAN PETROVICH",
    )
    assert name_keys_for(person) == (person.name_key, person.native_name_key)


def test_the_data_migration_fills_keys_of_existing_persons(
    make_person: Callable[..., Person],
) -> None:
    person = make_person("Ivanov", "Ivan", native_surname="Иванов", native_given_names="Иван")
    Person.objects.filter(pk=person.pk).update(name_key="", native_name_key="")
    migration = importlib.import_module("haven.people.migrations.0003_fill_person_name_keys")
    migration.fill_name_keys(django_apps, None)
    person.refresh_from_db()
    assert (person.name_key, person.native_name_key) == ("IVANOV IVAN", "IVANOV IVAN")
    assert name_key("Ivanov", "") == "IVANOV"


# -- candidates ------------------------------------------------------------------


def test_a_passport_spelling_matches_the_same_name_in_cyrillic_on_another_case(
    make_person: Callable[..., Person],
) -> None:
    ivanov = make_person("Ivanov", "Ivan")
    # Typed by the applicant in German transliteration, with the Cyrillic original.
    iwanow = make_person("Iwanow", "Iwan", native_surname="Иванов", native_given_names="Иван")

    (candidate,) = duplicate_candidates_for(ivanov)

    assert candidate.person == iwanow
    assert candidate.score == 95
    assert candidate.codes == [
        Code.SAME_BIRTH_DATE,
        Code.SURNAME_TRANSLITERATED,
        Code.GIVEN_NAMES_TRANSLITERATED,
    ]
    assert [reason.text for reason in candidate.reasons] == [
        "same date of birth",
        "surname matches after transliteration (Иванов → IVANOV)",
        "given names match after transliteration (Иван → IVAN)",
    ]
    # And the other way round.
    (back,) = duplicate_candidates_for(iwanow)
    assert (back.person, back.score, back.codes) == (ivanov, 95, candidate.codes)


def test_a_latin_name_typed_by_the_applicant_is_matched_through_the_transliterated_cyrillic(
    make_person: Callable[..., Person],
) -> None:
    typed = make_person(
        "Scherbakov", "Dmitry", native_surname="Щербаков", native_given_names="Дмитрий"
    )
    from_passport = make_person("SHCHERBAKOV", "DMITRII")

    (candidate,) = duplicate_candidates_for(typed)

    assert candidate.person == from_passport
    assert candidate.score == 95
    assert [reason.text for reason in candidate.reasons] == [
        "same date of birth",
        "surname matches after transliteration (Щербаков → SHCHERBAKOV)",
        "given names match after transliteration (Дмитрий → DMITRII)",
    ]


def test_the_same_latin_name_is_the_same_surname_and_given_names(
    make_person: Callable[..., Person],
) -> None:
    schmidt = make_person("Schmidt", "Anna Maria")
    other = make_person("SCHMIDT", "ANNA MARIA")
    (candidate,) = duplicate_candidates_for(schmidt)
    assert (candidate.person, candidate.score) == (other, 95)
    assert candidate.codes == [Code.SAME_BIRTH_DATE, Code.SAME_SURNAME, Code.SAME_GIVEN_NAMES]


def test_one_typing_error_in_the_given_names(make_person: Callable[..., Person]) -> None:
    schmidt = make_person("Schmidt", "Anna Maria")
    typo = make_person("Schmidt", "Anna Mraia")  # two letters swapped: one error

    (candidate,) = duplicate_candidates_for(schmidt)

    assert (candidate.person, candidate.score) == (typo, 91)
    assert candidate.codes == [
        Code.SAME_BIRTH_DATE,
        Code.SAME_SURNAME,
        Code.GIVEN_NAMES_ONE_TYPING_ERROR,
    ]
    assert (
        candidate.reasons[2].text
        == "given names differ by one typing error (ANNA MARIA / ANNA MRAIA)"
    )


def test_surname_and_given_names_in_another_order(make_person: Callable[..., Person]) -> None:
    person = make_person("Nguyen", "Van An")
    swapped = make_person("Van An", "Nguyen")
    (candidate,) = duplicate_candidates_for(person)
    assert (candidate.person, candidate.score) == (swapped, 95)
    assert candidate.codes == [Code.SAME_BIRTH_DATE, Code.NAMES_IN_OTHER_ORDER]


def test_a_different_person_born_the_same_day_is_no_candidate(
    make_person: Callable[..., Person],
) -> None:
    schmidt = make_person("Schmidt", "Anna Maria")
    make_person("Müller", "Peter")
    make_person("Schmidt", "Johannes")  # same surname, other given names: a twin, say
    assert duplicate_candidates_for(schmidt) == []


def test_a_different_birth_date_is_never_a_candidate(make_person: Callable[..., Person]) -> None:
    passport = {"number": "C01X00T47", "issuing_state": "DE"}
    schmidt = make_person("Schmidt", "Anna Maria", passport=passport)
    make_person("Schmidt", "Anna Maria", birth_date=date(1980, 5, 8), passport=passport)
    make_person("Schmidt", "Anna Maria", birth_date=None, passport=passport)
    assert duplicate_candidates_for(schmidt) == []


def test_day_and_month_swapped_is_a_weaker_candidate(make_person: Callable[..., Person]) -> None:
    person = make_person("Ivanov", "Ivan", birth_date=date(1980, 5, 7))
    swapped = make_person("Ivanov", "Ivan", birth_date=date(1980, 7, 5))
    (candidate,) = duplicate_candidates_for(person)
    assert (candidate.person, candidate.score) == (swapped, 85)
    assert [reason.text for reason in candidate.reasons] == [
        "date of birth with day and month swapped (1980-05-07 / 1980-07-05)",
        "same surname",
        "same given names",
    ]


def test_the_same_passport_makes_a_candidate_despite_another_surname(
    make_person: Callable[..., Person],
) -> None:
    passport = {"number": "C01X00T47", "issuing_state": "DE"}
    schmidt = make_person("Schmidt", "Anna", passport=passport)
    married = make_person("Meier", "Anna", passport=passport)
    (candidate,) = duplicate_candidates_for(schmidt)
    assert (candidate.person, candidate.score) == (married, 100)
    assert candidate.codes == [
        Code.SAME_BIRTH_DATE,
        Code.SAME_GIVEN_NAMES,
        Code.SAME_PASSPORT_NUMBER,
    ]
    assert candidate.reasons[-1].text == "same passport number (C01X00T47)"


def test_the_same_passport_number_from_another_state_counts_less(
    make_person: Callable[..., Person],
) -> None:
    schmidt = make_person(
        "Schmidt", "Anna", passport={"number": "C01X00T47", "issuing_state": "DE"}
    )
    make_person("Meier", "Anna", passport={"number": "C01X00T47", "issuing_state": "AT"})
    same_name = make_person(
        "Schmidt", "Anna", passport={"number": "C01X00T47", "issuing_state": "AT"}
    )
    (candidate,) = duplicate_candidates_for(schmidt)
    assert (candidate.person, candidate.score) == (same_name, 100)
    assert candidate.reasons[-1].text == (
        "same passport number (C01X00T47) from another issuing state (DE / AT)"
    )


def test_persons_of_the_same_case_are_excluded(make_person: Callable[..., Person]) -> None:
    person = make_person("Ivanov", "Ivan")
    # No action adds family members yet: this one row is written directly.
    family = Person(
        case=person.case,
        role=Person.Role.FAMILY_MEMBER,
        surname="Ivanov",
        given_names="Ivan",
        birth_date=BORN,
    )
    family.name_key, family.native_name_key = name_keys_for(family)
    family.save()
    elsewhere = make_person("Ivanov", "Ivan")

    assert [c.person for c in duplicate_candidates_for(person)] == [elsewhere]
    assert [c.person for c in duplicate_candidates_for(family)] == [elsewhere]


def test_candidates_are_ordered_by_score_and_limited(make_person: Callable[..., Person]) -> None:
    person = make_person("Ivanov", "Ivan")
    swapped_date = make_person("Ivanov", "Ivan", birth_date=date(1980, 7, 5))
    typo = make_person("Ivanov", "Iwan")
    exact = make_person("Ivanov", "Ivan")

    candidates = duplicate_candidates_for(person)

    assert [(c.person, c.score) for c in candidates] == [
        (exact, 95),
        (typo, 86),
        (swapped_date, 85),
    ]
    assert [c.person for c in duplicate_candidates_for(person, limit=2)] == [exact, typo]


def test_no_birth_date_no_candidates(
    make_person: Callable[..., Person], django_assert_num_queries: Any
) -> None:
    person = make_person("Ivanov", "Ivan", birth_date=None)
    make_person("Ivanov", "Ivan", birth_date=None)
    with django_assert_num_queries(0):
        assert duplicate_candidates_for(person) == []


@pytest.mark.parametrize("others", [1, 5])
def test_the_query_count_does_not_grow_with_candidates(
    make_person: Callable[..., Person], django_assert_num_queries: Any, others: int
) -> None:
    passport = {"number": "C01X00T47", "issuing_state": "DE"}
    for _ in range(others):
        make_person("Ivanov", "Ivan", passport=passport)
    person = Person.objects.get(pk=make_person("Ivanov", "Ivan", passport=passport).pk)

    # The person's passport, then the birth-date block with cases and passports.
    with django_assert_num_queries(2):
        candidates = duplicate_candidates_for(person)
        rendered = [
            (c.person.case.pk, c.person.passport.number, c.score, [r.text for r in c.reasons])
            for c in candidates
        ]

    assert len(rendered) == others
    assert {score for _, _, score, _ in rendered} == {100}
