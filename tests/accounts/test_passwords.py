"""Password rules after NIST SP 800-63B-4: length by factors, a blocklist, no composition rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from haven.accounts.models import User
from haven.accounts.roles import Role

pytestmark = pytest.mark.django_db


def codes(password: str, user: User | None = None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list if e.code}
    return set()


def official(email: str = "officer@example.org") -> User:
    user = User(email=email)
    user._haven_roles = [Role.CONSULAR_OFFICER]  # type: ignore[attr-defined]
    return user


def test_a_single_factor_password_needs_15_characters() -> None:
    assert codes("fourteen chars") == {"password_too_short"}
    assert codes("fifteen chars!!") == set()


def test_with_a_second_factor_8_characters_are_enough() -> None:
    assert codes("seven c", official()) == {"password_too_short"}
    assert codes("eight ch", official()) == set()


def test_an_enrolled_applicant_also_gets_the_shorter_minimum(make_user) -> None:
    applicant = make_user(Role.APPLICANT, mfa=True)
    assert codes("eight ch", applicant) == set()
    assert codes("eight ch", make_user(Role.APPLICANT)) == {"password_too_short"}


def test_long_passphrases_are_accepted() -> None:
    assert codes("a quiet river runs under the old stone bridge at dawn " * 2) == set()
    assert "password_too_long" in codes("ab" * 513)


def test_no_composition_rules() -> None:
    assert codes("only lowercase words here") == set()
    assert codes("ЖИВЁМ У ТИХОЙ РЕКИ ДОЛГО") == set()


def test_common_passwords_are_refused() -> None:
    assert "password_too_common" in codes("password", official())
    assert "password_too_common" in codes("iloveyou", official())


def test_service_and_account_words_are_refused() -> None:
    assert "password_context" in codes("havenhavenhaven1")
    assert "password_context" in codes("ivanovaivanova12", official("ivanova@example.org"))


def test_repetitive_and_sequential_runs_are_refused() -> None:
    assert "password_repetitive" in codes("aaaaaaaaaaaaaaaa")
    assert "password_repetitive" in codes("abcdefghijklmnopq")
    assert "password_repetitive" in codes("abababababababab")
