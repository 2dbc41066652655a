"""The officials most case tests need: one of each authority, and their signed-in clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import Role
from tests.conftest import signed_in_client


@pytest.fixture
def consul(make_user: Callable[..., User]) -> User:
    return make_user(Role.CONSULAR_OFFICER)


@pytest.fixture
def migration(make_user: Callable[..., User]) -> User:
    return make_user(Role.MIGRATION_OFFICER)


@pytest.fixture
def consul_client(consul: User) -> Client:
    return signed_in_client(consul)


@pytest.fixture
def migration_client(migration: User) -> Client:
    return signed_in_client(migration)
