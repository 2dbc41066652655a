"""The analyst's statistics page in a real browser, at phone width, checked by axe-core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from haven.accounts.models import User
from haven.accounts.roles import Role
from tests.browser.conftest import SCREENSHOT_DIR, assert_accessible
from tests.cases.test_queues import submit

pytestmark = pytest.mark.browser


def test_the_statistics_page_at_phone_width(
    new_context: Callable[..., BrowserContext],
    make_user: Callable[..., User],
    live_server: Any,
    sign_in: Callable[[Page, User], None],
) -> None:
    submit(make_user, citizenships=("DE",))
    submit(make_user, citizenships=("FR", "DE"))
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, make_user(Role.ANALYST))
    assert page.url == f"{live_server.url}/work/statistics/"
    assert "2 applications in Haven" in page.locator("main").inner_text()
    assert page.locator("#by-nationality ~ div tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "statistics-phone.png"), full_page=True)
