"""Password rules after NIST SP 800-63B-4, section 3.1.1.2.

Length depends on whether the password is the only factor: at least 15
characters for single-factor accounts, at least 8 where a second factor is
required or enrolled. No composition rules. Long passphrases are welcome (up
to 1,024 characters, well beyond the 64 the guideline asks to accept). A
blocklist refuses common passwords (Django's list), words of this service and
of the account, and repetitive or sequential strings.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.accounts.roles import is_staff_member

SINGLE_FACTOR_MIN_LENGTH = 15
MULTI_FACTOR_MIN_LENGTH = 8
MAX_LENGTH = 1024
SERVICE_WORDS = ("haven", "password", "passwort", "пароль", "residence", "visa")


def _uses_second_factor(user: Any) -> bool:
    if user is None:
        return False

    saved = getattr(user, "pk", None) is not None
    if (saved or getattr(user, "_haven_roles", None) is not None) and is_staff_member(user):
        return True
    return saved and is_mfa_enabled(user)


class LengthByFactorsValidator:
    def validate(self, password: str, user: Any = None) -> None:
        minimum = MULTI_FACTOR_MIN_LENGTH if _uses_second_factor(user) else SINGLE_FACTOR_MIN_LENGTH
        if len(password) < minimum:
            raise ValidationError(
                ngettext(
                    "This password is too short. Use at least %(min_length)d character; "
                    "a few unrelated words make a good passphrase.",
                    "This password is too short. Use at least %(min_length)d characters; "
                    "a few unrelated words make a good passphrase.",
                    minimum,
                )
                % {"min_length": minimum},
                code="password_too_short",
            )
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                _("This password is longer than %(max_length)d characters.")
                % {"max_length": MAX_LENGTH},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _(
            "Use at least %(single)d characters, or %(multi)d if you use two-factor "
            "authentication. Any characters are allowed, spaces too."
        ) % {"single": SINGLE_FACTOR_MIN_LENGTH, "multi": MULTI_FACTOR_MIN_LENGTH}


class ContextBlocklistValidator:
    """Refuse passwords made mostly of this service's name or the account's own email."""

    def validate(self, password: str, user: Any = None) -> None:
        words = list(SERVICE_WORDS)
        email = getattr(user, "email", "") or ""
        words.extend(part for part in email.lower().replace("@", ".").split(".") if len(part) > 2)
        remainder = password.lower()
        for word in sorted(words, key=len, reverse=True):
            remainder = remainder.replace(word, "")
        remainder = "".join(ch for ch in remainder if ch.isalnum())
        if len(remainder) < MULTI_FACTOR_MIN_LENGTH and len(remainder) < len(password) // 2:
            raise ValidationError(
                _("This password is built from the name of this service or of your account."),
                code="password_context",
            )

    def get_help_text(self) -> str:
        return _("Do not build it from your email address or the name of this service.")


class RepetitionValidator:
    """Refuse one character repeated, or a straight run such as 123456 or abcdef."""

    def validate(self, password: str, user: Any = None) -> None:
        if not password:
            return
        distinct = set(password.lower())
        steps = {ord(b) - ord(a) for a, b in pairwise(password)}
        if len(distinct) <= 2 or (len(steps) == 1 and steps <= {1, -1}):
            raise ValidationError(
                _("This password is a repeated or sequential run of characters."),
                code="password_repetitive",
            )

    def get_help_text(self) -> str:
        return _("Do not use repeated or sequential characters such as aaaa or 1234.")
