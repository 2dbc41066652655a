"""Security defaults: deploy checks, headers, caching, and nothing loaded from other hosts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from haven.accounts.roles import Role
from tests.cli import run_haven


def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "HAVEN_ENV": "production",
        "SECRET_KEY": "k" * 20 + "-a-production-secret-key-of-sufficient-length-42",
        "ALLOWED_HOSTS": "haven.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "HAVEN_VAR_DIR": str(tmp_path),
    }


def test_the_deploy_check_passes_with_production_settings(tmp_path: Path) -> None:
    result = run_haven("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run_haven("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is required when HAVEN_ENV=production" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_an_unknown_environment_name_is_refused(tmp_path: Path) -> None:
    result = run_haven("check", env={"HAVEN_ENV": "staging", "HAVEN_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "HAVEN_ENV must be one of demo, production, test; it is 'staging'" in result.stderr


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy() -> None:
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_pages_for_signed_in_users_are_never_stored(signed_in) -> None:
    client, _user = signed_in(Role.APPLICANT)
    cache_control = client.get("/applications/")["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control
    assert "no-store" in Client().get("/accounts/login/")["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_no_page_loads_anything_from_another_host(role: Role, signed_in) -> None:
    client, _user = signed_in(role)
    for path in ("/", client.get("/home/")["Location"], "/accounts/2fa/", "/accounts/login/"):
        html = client.get(path, follow=True).content.decode()
        external = re.findall(r"""(?:src|href|action)=["'](?:https?:)?//[^"']+""", html)
        assert not external, (path, external)
