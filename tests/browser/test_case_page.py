"""A consular officer works one case in a real browser, without JavaScript, at desk and phone width."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case, Decision
from tests.browser.conftest import SCREENSHOT_DIR, assert_accessible
from tests.cases.test_queues import submit

pytestmark = pytest.mark.browser


def test_review_and_refuse_a_case_at_desk_and_phone_width_and_without_javascript(
    new_context: Callable[..., BrowserContext],
    make_user: Callable[..., User],
    live_server: Any,
    sign_in: Callable[[Page, User], None],
) -> None:
    officer = make_user(Role.CONSULAR_OFFICER)
    submit(make_user, surname="Schmidt")  # a possible duplicate of the case below
    case = submit(make_user, surname="Schmidt", citizenships=("DE", "AT"))
    case_path = f"/work/case/{case.public_id}/"

    desk = new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    sign_in(page, officer)
    page.goto(case_path)
    assert page.locator("h1").inner_text().startswith(f"Case {case.reference}")
    assert page.locator("#duplicates tbody tr").count() == 1
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "case-page-desk.png"), full_page=True)

    # Each action is a link to a page that says what will happen, then a button.
    with page.expect_navigation():
        page.get_by_role("link", name="Start review").click()
    assert page.get_by_role("heading", name="Who will see it").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Start review").click()
    assert page.url == f"{live_server.url}{case_path}"
    assert Case.objects.get(pk=case.pk).status == "visa_in_review"
    with page.expect_navigation():
        page.get_by_role("link", name="Refuse").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Refuse").click()
    assert "Choose at least one ground" in page.locator(".error-summary").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "case-refuse-errors-desk.png"), full_page=True)

    # The same session on a phone.
    signed_in = desk.storage_state()
    page = new_context(viewport={"width": 390, "height": 844}, storage_state=signed_in).new_page()
    page.goto(case_path)
    # Only tables scroll sideways, never the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "case-page-phone.png"), full_page=True)

    # Without JavaScript: links, plain forms and the section links all work.
    page = new_context(java_script_enabled=False, storage_state=signed_in).new_page()
    page.goto(case_path)
    page.get_by_role("link", name="History", exact=True).click()
    assert page.url.endswith("#history")
    with page.expect_navigation():
        page.get_by_role("link", name="Refuse").click()
    page.get_by_label("Entry is refused in the interests of state security.", exact=False).check()
    page.fill("textarea[name=explanation]", "The consulate received information from the police.")
    with page.expect_navigation():
        page.get_by_role("button", name="Refuse").click()
    assert page.url == f"{live_server.url}{case_path}"
    assert Decision.objects.get(case=case).outcome == "refused"
    assert page.locator("#history .decision").count() == 1
