"""Shared by the rules web tests: reading the pre-check's answer off the page."""

from __future__ import annotations

import re

from django.test import Client

OUTCOME = re.compile(r'data-outcome="([a-z]+)"')
REASON = re.compile(r'data-reason="([A-Z_]+)"')


def check_page(client: Client, programme: str = "shared-values", **fields: str) -> str:
    data = {"stage": "", "nationality": "", "nationality_2": "", "nationality_3": ""}
    data |= {"residence": "", "date": ""} | fields
    response = client.get(f"/programmes/{programme}/check/", data)
    assert response.status_code == 200
    return response.content.decode()


def page_answer(html: str) -> tuple[str | None, list[str]]:
    """The outcome and reason codes the pre-check's result panel shows."""
    outcome = OUTCOME.search(html)
    return (outcome.group(1) if outcome else None), REASON.findall(html)
