"""Demo accounts: one per role, officials with TOTP already set up.

Only for HAVEN_ENV=demo. Loading twice changes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import transaction

from haven.accounts.actions import user_create
from haven.accounts.models import User
from haven.accounts.roles import STAFF_ROLES, Role

DEMO_PASSWORD = "tulip orbit lantern amber"  # noqa: S105 - printed to demo users on purpose
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


def demo_email(role: Role) -> str:
    return f"{role.value.replace('_', '.')}@{DEMO_DOMAIN}"


def load_demo_accounts() -> list[DemoAccount]:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    accounts = []
    for role, full_name in DEMO_PEOPLE.items():
        email = demo_email(role)
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
        accounts.append(DemoAccount(email, role, full_name, created))
    return accounts


def current_totp_code(email: str) -> tuple[str, int]:
    """The user's current TOTP code and the seconds it stays valid."""
    from allauth.mfa import app_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(
        user__email__iexact=email, type=Authenticator.Type.TOTP
    )
    secret = decrypt(authenticator.data["secret"])
    now = int(time.time())
    period = app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, now // period)), period - now % period
