"""Demo accounts: one per role, officials with TOTP already set up.

Only for HAVEN_ENV=demo. Loading twice changes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt
from django.db import transaction

from haven.accounts.actions import user_create
from haven.accounts.models import User
from haven.accounts.roles import STAFF_ROLES, Role

# Printed to the demo's users on purpose: a demo has no secrets.
DEMO_PASSWORD = "tulip orbit lantern amber"  # noqa: S105  # nosec B105
DEMO_DOMAIN = "demo.haven.example"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    full_name: str
    created: bool


DEMO_PEOPLE: dict[Role, str] = {
    Role.APPLICANT: "Anna Schmidt",
    Role.CONSULAR_OFFICER: "Irina Volkova",
    Role.MIGRATION_OFFICER: "Pavel Sokolov",
    Role.COMMISSION_MEMBER: "Elena Morozova",
    Role.COMMISSION_SECRETARY: "Dmitry Orlov",
    Role.POLICY_ADMIN: "Olga Lebedeva",
    Role.ANALYST: "Sergei Kuznetsov",
    Role.AUDITOR: "Natalia Popova",
}


# Colleagues of the demo consular and migration officers, so that the demo cases
# have several assignees and a queue can be filtered by officer.
DEMO_COLLEAGUES: tuple[tuple[Role, int, str], ...] = (
    (Role.CONSULAR_OFFICER, 2, "Aleksei Smirnov"),
    (Role.CONSULAR_OFFICER, 3, "Marina Fedorova"),
    (Role.MIGRATION_OFFICER, 2, "Timur Nazarov"),
    (Role.MIGRATION_OFFICER, 3, "Ekaterina Belova"),
)


def demo_email(role: Role, number: int = 1) -> str:
    suffix = f".{number}" if number > 1 else ""
    return f"{role.value.replace('_', '.')}{suffix}@{DEMO_DOMAIN}"


def _demo_account(role: Role, email: str, full_name: str) -> DemoAccount:
    """The account, created if missing; officials with TOTP set up."""

    created = False
    with transaction.atomic():
        if not User.objects.filter(email=email).exists():
            user = user_create(
                email=email,
                password=DEMO_PASSWORD,
                roles=[role],
                full_name=full_name,
                preferred_language="de" if role == Role.APPLICANT else "ru",
            )
            if role in STAFF_ROLES:
                TOTP.activate(user, generate_totp_secret())
                RecoveryCodes.activate(user)
            created = True
    return DemoAccount(email, role, full_name, created)


def load_demo_accounts() -> list[DemoAccount]:
    return [
        _demo_account(role, demo_email(role), full_name) for role, full_name in DEMO_PEOPLE.items()
    ]


def load_demo_colleagues() -> list[DemoAccount]:
    return [
        _demo_account(role, demo_email(role, number), full_name)
        for role, number, full_name in DEMO_COLLEAGUES
    ]


def current_totp_code(email: str) -> tuple[str, int]:
    """The user's current TOTP code and the seconds it stays valid."""

    authenticator = Authenticator.objects.get(
        user__email__iexact=email, type=Authenticator.Type.TOTP
    )
    secret = decrypt(authenticator.data["secret"])
    now = int(time.time())
    period = app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, now // period)), period - now % period
