"""Browser tests: headless system Chromium against pytest-django's live server, checked by axe-core.

The live server runs in this process, so ``django.core.mail.outbox`` (the locmem
backend of HAVEN_ENV=test) collects the emails it sends. Tests marked
``@pytest.mark.browser`` are skipped when Chromium or axe-core (``npm ci``) is missing.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOT_DIR = PROJECT_DIR / "test-artifacts" / "screenshots"
LOCALE = "en-GB"
TIMEOUT_MS = 15_000


def _missing_prerequisite() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (Debian/Ubuntu: sudo apt-get install chromium)"
    if not AXE_SCRIPT.is_file():
        return (
            f"{AXE_SCRIPT.relative_to(PROJECT_DIR)} is missing "
            "(run `npm ci` in the project directory; Debian/Ubuntu: sudo apt-get install npm)"
        )
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing_prerequisite()
    if reason is None:
        return
    if os.environ.get("HAVEN_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"HAVEN_REQUIRE_BROWSER is set, but {reason}")
    skip = pytest.mark.skip(reason=f"browser test skipped: {reason}")
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


@functools.cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


_AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({
      target: node.target,
      summary: node.failureSummary,
    })),
  }));
}"""


def _format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            for summary_line in (node.get("summary") or "").splitlines():
                lines.append(f"      {summary_line}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Run axe-core (WCAG 2.0-2.2 A and AA rules) on the page; fail listing every violation.

    The site's Content-Security-Policy forbids inline scripts, so a <script> tag
    with axe would be blocked; evaluating the source through the DevTools protocol
    is not subject to the page's CSP.
    """
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(axe_source())
        assert page.evaluate("typeof window.axe") == "object", "axe-core could not be injected"
    violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN, AXE_TAGS)
    assert not violations, _format_violations(page.url, violations)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module.

    Playwright's sync API keeps an event loop running in this thread while the
    browser is open, and Django refuses database access from a thread with a
    running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set: it is set for exactly
    that time, so other tests keep Django's check.
    """
    reason = _missing_prerequisite()
    if reason is not None:
        pytest.skip(f"browser test skipped: {reason}")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(
    browser: Browser, live_server: Any, transactional_db: None
) -> Iterator[Callable[..., BrowserContext]]:
    """Make fresh browser contexts (cookies, storage) aimed at the live server; closed after."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("locale", LOCALE)
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a new browser context (English locale) for each test."""
    return new_context().new_page()


def sign_in_through_forms(page: Page, user: Any) -> None:
    """Sign in through the real pages: password, then the current TOTP code when one is set up.

    For the test that signs an official in in the browser; the others use ``sign_in``.
    """
    from tests.conftest import PASSWORD, current_code

    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if "/accounts/2fa/authenticate/" in page.url:
        page.fill("input[name=code]", current_code(user))
        with page.expect_navigation():
            page.locator("main form button[type=submit].button").first.click()


@pytest.fixture
def sign_in(live_server: Any) -> Callable[[Page, Any], None]:
    """Sign a page in as a user without the forms, then open the user's landing page.

    The test client signs in as ``tests.conftest.sign_in`` does (the session a
    sign-in with password and, for officials, TOTP leaves); the session cookie
    then goes into the page's browser context. A sign-in through the forms
    lands on the same page, /home/'s redirect.
    """
    from django.conf import settings

    from tests.conftest import signed_in_client

    def sign_in_page(page: Page, user: Any) -> None:
        cookie = signed_in_client(user).cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": cookie.key,
                    "value": cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        page.goto("/home/")

    return sign_in_page
