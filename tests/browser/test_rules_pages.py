"""A Spanish reader opens a programme, checks whether they can apply, in a real browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.rules.models import Amendment
from tests.browser.conftest import SCREENSHOT_DIR, assert_accessible

pytestmark = pytest.mark.browser


def _in_spanish(new_context: Callable[..., BrowserContext], **options: Any) -> Page:
    return new_context(locale="es-ES", **options).new_page()


def test_a_spanish_reader_reads_the_programme_and_checks_eligibility(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = _in_spanish(new_context)
    page.goto("/programmes/shared-values/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text() == "Valores compartidos"
    states = page.locator("ul.state-list li").all_inner_texts()
    assert len(states) == 47
    assert "Alemania" in states
    assert "Germany" not in states
    assert_accessible(page)

    with page.expect_navigation():
        page.locator("a.button--start").click()
    assert page.url.endswith("/programmes/shared-values/check/")
    assert page.locator("h1").count() == 1
    assert page.locator("select[name=nationality] option[value=DE]").inner_text() == "Alemania"
    assert_accessible(page)

    # Nothing chosen: the error summary links to the field, which keeps the other answers.
    page.check("input[name=stage][value=trp]")
    page.select_option("select[name=residence]", "FR")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a[href='#id_nationality']").count() == 1
    assert page.is_checked("input[name=stage][value=trp]")
    assert page.input_value("select[name=residence]") == "FR"
    assert_accessible(page)

    page.select_option("select[name=nationality]", "XXA")
    page.fill("input[name=date]", "2024-10-01")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    result = page.locator("section.result")
    assert result.get_attribute("data-outcome") == "eligible"
    assert "Francia" in result.inner_text()
    assert page.locator(".error-summary").count() == 0
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_the_check_works_without_javascript(new_context: Callable[..., BrowserContext]) -> None:
    page = _in_spanish(new_context, java_script_enabled=False)
    page.goto("/programmes/shared-values/check/")
    page.select_option("select[name=nationality]", "HU")
    page.fill("input[name=date]", "2024-10-01")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("section.result").get_attribute("data-outcome") == "ineligible"


def test_the_rules_history_and_the_programme_list_are_accessible(page: Page) -> None:
    for path in (
        "/programmes/",
        "/programmes/shared-values/parameters/designated_states/",
        "/programmes/people-in-spirit/",
    ):
        page.goto(path)
        assert page.locator("h1").count() == 1
        assert_accessible(page)


def test_a_policy_administrator_records_an_amendment(
    page: Page, make_user: Callable[..., User], sign_in: Callable[[Page, User], None]
) -> None:
    sign_in(page, make_user(Role.POLICY_ADMIN))
    page.goto("/work/programmes/")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("a[href='/work/programmes/shared-values/']").first.click()
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("a[href='/work/programmes/shared-values/amendments/new/']").click()
    assert_accessible(page)

    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page)

    page.check("input[name=parameter][value=designated_states]")
    page.check("input[name=operation][value=add_country]")
    page.select_option("select[name=country]", "HU")
    page.fill("input[name=effective_from]", "2027-01-01")
    page.fill("input[name=act]", "Government Order No. 1234-r of 1 December 2026")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "Hungary will be added" in page.locator(".panel--confirm").inner_text()
    assert not Amendment.objects.exists()
    assert_accessible(page)

    with page.expect_navigation():
        page.locator("button[name=confirm]").click()
    assert page.url.endswith("/work/programmes/shared-values/")
    assert page.locator(".message--success").is_visible()
    assert Amendment.objects.get().country == "HU"
    assert_accessible(page)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_programme_pages_fit_the_screen(page: Page, width: int) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in (
        ("programmes", "/programmes/"),
        ("programme", "/programmes/shared-values/"),
        (
            "check-result",
            "/programmes/shared-values/check/?stage=visa&nationality=DE&date=2024-10-01",
        ),
        ("list-history", "/programmes/shared-values/parameters/designated_states/"),
    ):
        page.goto(path)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll_width <= inner_width, f"{path} scrolls sideways at {width}px"
