"""The operator commands: `haven users ...` and `haven demo ...`."""

from __future__ import annotations

import io
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.demo.accounts import DEMO_PASSWORD, current_totp_code

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_demo_data_is_refused_outside_demo_mode() -> None:
    with pytest.raises(CommandError, match="only with HAVEN_ENV=demo") as raised:
        run("demo", "load")
    assert raised.value.returncode == 2
    assert not User.objects.exists()


def test_demo_load_creates_one_account_per_role_and_keeps_them(settings) -> None:
    settings.DEMO = True
    output = run("demo", "load", "--cases", "0")  # accounts only; cases: test_demo_cases.py
    assert "8 created, 0 kept" in output
    assert DEMO_PASSWORD in output
    for role in Role:
        user = User.objects.get(groups__name=role.value)
        assert user.check_password(DEMO_PASSWORD)
        has_totp = Authenticator.objects.filter(user=user, type="totp").exists()
        assert has_totp == (role != Role.APPLICANT)
    assert "0 created, 8 kept" in run("demo", "load", "--cases", "0")
    assert User.objects.count() == 8


def test_demo_totp_prints_the_current_code(settings) -> None:
    settings.DEMO = True
    run("demo", "load", "--cases", "0")
    printed = run("demo", "totp", "auditor@demo.haven.example").strip()
    assert re.fullmatch(r"\d{6}", printed)
    assert printed == current_totp_code("auditor@demo.haven.example")[0]
    with pytest.raises(CommandError, match="has no authenticator"):
        run("demo", "totp", "applicant@demo.haven.example")


def test_users_create_checks_the_password_and_audits_roles(monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="too short"):
        run(
            "users",
            "create",
            "officer@example.org",
            "--role",
            "consular_officer",
            "--password-stdin",
        )
    assert not User.objects.exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough pass\n"))
    run("users", "create", "officer@example.org", "--role", "consular_officer", "--password-stdin")
    officer = User.objects.get(email="officer@example.org")
    assert list(officer.groups.values_list("name", flat=True)) == ["consular_officer"]
    granted = AuditEvent.objects.get(event_type=EventType.ROLE_GRANTED)
    assert granted.details == {"role": "consular_officer"}
    assert granted.subject_id == str(officer.pk)


def test_users_grant_and_revoke(make_user) -> None:
    user = make_user(Role.ANALYST)
    run("users", "grant", user.email, "auditor")
    run("users", "revoke", user.email, "analyst")
    assert list(user.groups.values_list("name", flat=True)) == ["auditor"]
    assert AuditEvent.objects.filter(event_type=EventType.ROLE_REVOKED).count() == 1
    with pytest.raises(CommandError, match="No account"):
        run("users", "grant", "nobody@example.org", "auditor")
