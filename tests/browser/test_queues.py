"""A consular officer works the visa queue in a real browser, at desk and phone width."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case
from tests.browser.conftest import SCREENSHOT_DIR, assert_accessible, sign_in_through_forms
from tests.cases.test_queues import submit

pytestmark = pytest.mark.browser


def test_the_visa_queue_at_desk_and_phone_width_and_without_javascript(
    new_context: Callable[..., BrowserContext], make_user: Callable[..., User], live_server: Any
) -> None:
    officer = make_user(Role.CONSULAR_OFFICER)
    overdue = submit(make_user, days_ago=24, citizenships=("DE", "AT"), surname="Schmidt")
    submit(make_user, days_ago=16, citizenships=("FR",), surname="Lefèvre")
    submit(make_user, days_ago=2, citizenships=("US",), surname="Miller")

    desk = new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    # Through the sign-in pages, password then TOTP code; other browser tests bring a session.
    sign_in_through_forms(page, officer)
    assert page.url == f"{live_server.url}/work/visas/", page.locator("main").inner_text()
    assert page.locator("tbody tr").count() == 3
    assert "Overdue by 4 days" in page.locator("tr.queue-row--overdue").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "queue-visas-desk.png"), full_page=True)

    # The same session (one second-factor code is good for one sign-in) on a phone.
    signed_in = desk.storage_state()
    phone = new_context(viewport={"width": 390, "height": 844}, storage_state=signed_in)
    page = phone.new_page()
    page.goto("/work/visas/")
    page.screenshot(path=str(SCREENSHOT_DIR / "queue-visas-phone.png"), full_page=True)
    assert page.locator("tbody tr").count() == 3
    # Only the table scrolls sideways, never the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)

    # Without JavaScript: the filters are a plain GET form, assigning a plain POST.
    page = new_context(java_script_enabled=False, storage_state=signed_in).new_page()
    page.goto("/work/visas/")
    page.select_option("select[name=nationality]", "DE")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert page.locator("tbody tr").count() == 1
    assert "nationality=DE" in page.url
    with page.expect_navigation():
        page.locator(f"#case-{overdue.public_id} button", has_text="Assign to me").click()
    assert "nationality=DE" in page.url
    assert page.locator(".messages").inner_text().endswith("is now assigned to you.")
    assert Case.objects.get(pk=overdue.pk).assignee == officer
