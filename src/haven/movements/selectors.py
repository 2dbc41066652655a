"""Reads for the movements API and the ``haven clients`` command."""

from __future__ import annotations

import hmac

from django.db.models import QuerySet

from haven.movements.actions import TOKEN_PREFIX, TOKEN_PREFIX_LENGTH, token_digest
from haven.movements.models import IntegrationClient

# Longer than any token Haven gives out; anything longer is not worth hashing.
LONGEST_TOKEN = 128


def integration_client_for_token(token: str) -> IntegrationClient | None:
    """The active client whose token this is, or None.

    Looked up by the token's clear prefix, then the stored hash is compared
    in constant time.
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > LONGEST_TOKEN:
        return None
    digest = token_digest(token)
    candidates = IntegrationClient.objects.filter(
        token_prefix=token[:TOKEN_PREFIX_LENGTH], is_active=True
    )
    for client in candidates:
        if hmac.compare_digest(client.token_hash, digest):
            return client
    return None


def integration_client_list() -> QuerySet[IntegrationClient]:
    return IntegrationClient.objects.order_by("name")
