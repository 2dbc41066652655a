"""An applicant signs up in German, verifies the email address and signs in, in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import BrowserContext, Page

from haven.accounts.models import User
from tests.browser.conftest import SCREENSHOT_DIR, assert_accessible

pytestmark = pytest.mark.browser

EMAIL = "ada.lindqvist@example.org"
PASSWORD = "copper lantern meadow bicycle"
TOO_SHORT = "kestrel owl"
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/[^/\s]+/")


def _path(page: Page, live_server: Any) -> str:
    assert page.url.startswith(live_server.url), page.url
    return page.url.removeprefix(live_server.url)


def _submit(page: Page) -> None:
    """Press the main form's submit button and wait for the page that answers."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def _switch_to_german(page: Page, *, check: bool) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    if check:
        assert_accessible(page)
    with page.expect_navigation():
        page.locator("button[name=language][value=de]").click()
    assert page.locator("html").get_attribute("lang") == "de"
    if check:
        assert_accessible(page)


def _sign_up(page: Page, live_server: Any, email: str, *, check: bool) -> None:
    page.goto("/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "de"
    if check:
        assert_accessible(page)

    # A password under the single-factor minimum (15) is refused, the email is kept.
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", TOO_SHORT)
    page.fill("input[name=password2]", TOO_SHORT)
    _submit(page)
    assert _path(page, live_server) == "/accounts/signup/"
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("li").count() >= 1
    assert "15" in summary.inner_text(), summary.inner_text()
    assert summary.locator("a[href='#id_password1']").count() >= 1
    assert page.input_value("input[name=email]") == email
    if check:
        assert_accessible(page)

    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    _submit(page)
    assert _path(page, live_server) == "/accounts/confirm-email/"
    assert page.locator(".error-summary").count() == 0
    # The account remembers the language it was created in.
    assert User.objects.get(email=email).preferred_language == "de"
    if check:
        assert_accessible(page)


def _confirmation_link(email: str, live_server: Any) -> str:
    messages = [message for message in mail.outbox if email in message.to]
    assert messages, f"no email to {email}; outbox: {[m.to for m in mail.outbox]}"
    body = str(messages[-1].body)
    match = CONFIRM_LINK.search(body)
    assert match, body
    link = match.group(0)
    assert link.startswith(live_server.url + "/accounts/confirm-email/"), link
    return link


def _verify_email(page: Page, live_server: Any, email: str, *, check: bool) -> None:
    page.goto(_confirmation_link(email, live_server))
    assert page.locator("main form[method=post] button[type=submit]").count() == 1
    if check:
        assert_accessible(page)
    _submit(page)


def _sign_in(page: Page, live_server: Any, email: str, *, check: bool) -> None:
    page.goto("/accounts/login/")
    assert _path(page, live_server) == "/accounts/login/"
    if check:
        assert_accessible(page)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    _submit(page)
    assert _path(page, live_server) == "/applications/"
    assert page.locator("h1").count() == 1
    assert page.locator("html").get_attribute("lang") == "de"
    if check:
        assert_accessible(page)


def test_applicant_signs_up_in_german_verifies_email_and_signs_in(
    page: Page, live_server: Any
) -> None:
    _switch_to_german(page, check=True)
    _sign_up(page, live_server, EMAIL, check=True)
    _verify_email(page, live_server, EMAIL, check=True)
    _sign_in(page, live_server, EMAIL, check=True)


def test_sign_up_works_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: Any
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    email = "no.script@example.org"
    _switch_to_german(page, check=False)
    _sign_up(page, live_server, email, check=False)
    _verify_email(page, live_server, email, check=False)
    _sign_in(page, live_server, email, check=False)


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_fit_the_screen(page: Page, width: int) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in (("home", "/"), ("login", "/accounts/login/")):
        page.goto(path)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
        if width <= 390:
            scroll_width, inner_width = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert scroll_width <= inner_width, (
                f"{path} scrolls sideways at {width}px: {scroll_width}px wide"
            )
