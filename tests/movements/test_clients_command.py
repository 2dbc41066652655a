"""``haven clients create | list | revoke``: the token is printed once and stored only as a hash."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from haven.audit.models import AuditEvent, EventType
from haven.movements.models import IntegrationClient
from haven.movements.selectors import integration_client_for_token

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("clients", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_token_once_and_keeps_its_hash() -> None:
    lines = run("create", "border-svetogorsk").splitlines()
    assert lines[0] == "Created border-svetogorsk. Its token, shown only this once:"
    token = lines[1]
    client = IntegrationClient.objects.get(name="border-svetogorsk")
    assert integration_client_for_token(token) == client
    assert token not in run("list")
    assert AuditEvent.objects.filter(event_type=EventType.INTEGRATION_CLIENT_CREATED).count() == 1


def test_list_names_each_client_its_token_prefix_and_state() -> None:
    run("create", "border-pulkovo")
    run("create", "border-svetogorsk")
    run("revoke", "border-pulkovo")
    rows = [line.split("\t") for line in run("list").splitlines()]
    assert [row[0] for row in rows] == ["border-pulkovo", "border-svetogorsk"]
    assert [row[2] for row in rows] == ["revoked", "active"]
    for row in rows:
        prefix = IntegrationClient.objects.get(name=row[0]).token_prefix
        assert row[1] == f"{prefix}…"


def test_revoke_refuses_the_token_from_now_on() -> None:
    token = run("create", "border-svetogorsk").splitlines()[1]
    assert run("revoke", "border-svetogorsk") == "revoked: border-svetogorsk\n"
    assert integration_client_for_token(token) is None
    assert not IntegrationClient.objects.get(name="border-svetogorsk").is_active


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "Border Svetogorsk"), "Use 1 to 64 lower-case letters"),
        (("revoke", "nobody"), "No client has this name."),
    ],
)
def test_mistakes_exit_2_and_change_nothing(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as error:
        run(*args)
    assert error.value.returncode == 2
    assert str(error.value).startswith(message)
    assert not IntegrationClient.objects.exists()


def test_a_name_in_use_is_refused() -> None:
    run("create", "border-svetogorsk")
    with pytest.raises(CommandError) as error:
        run("create", "border-svetogorsk")
    assert error.value.returncode == 2
    assert IntegrationClient.objects.count() == 1
