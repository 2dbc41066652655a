"""One case from the queue to an issued visa and, after entry, to an issued permit, in a browser.

A consular officer takes the case from the visa queue (its review starts), approves it
(a visa is issued), records the holder's entry; a migration officer takes it
from the permit queue, ticks the checklist and approves it (a permit is
issued); the applicant then sees every step and both documents on their
status page. axe-core checks every page on the way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.issuance.models import IssuedDocument
from tests.browser.conftest import SCREENSHOT_DIR, assert_accessible
from tests.cases.test_queues import submit

pytestmark = pytest.mark.browser


def _act(page: Page, link: str, button: str) -> None:
    """Follow an action's link to its confirm page, check that page, then press its button."""
    with page.expect_navigation():
        page.locator(".action-buttons").get_by_role("link", name=link, exact=True).click()
    assert page.get_by_role("heading", name="Who will see it").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    assert not page.locator(".error-summary").count(), page.locator("main").inner_text()


def _take_next(page: Page, queue: str) -> None:
    page.goto(queue)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Take next case").click()
    assert page.locator("h1").inner_text().startswith("Case HVN-")
    assert_accessible(page)


def test_an_officer_takes_a_case_from_the_queue_to_a_visa_and_after_entry_to_a_permit(
    new_context: Callable[..., BrowserContext],
    make_user: Callable[..., User],
    live_server: Any,
    sign_in: Callable[[Page, User], None],
) -> None:
    consul = make_user(Role.CONSULAR_OFFICER)
    migration = make_user(Role.MIGRATION_OFFICER)
    case = submit(make_user, surname="Schmidt")

    # The consulate: queue, review, approval with a visa, entry.
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, consul)
    _take_next(page, "/work/visas/")  # assigns the case and starts its review
    assert Case.objects.get(pk=case.pk).status == "visa_in_review"
    _act(page, "Approve", "Approve")
    visa = IssuedDocument.objects.get(case=case, kind="visa")
    assert visa.number in page.locator("#issued").inner_text()
    with page.expect_download() as download:
        page.locator("#issued").get_by_role("link", name="Download (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.screenshot(path=str(SCREENSHOT_DIR / "case-visa-issued-desk.png"), full_page=True)
    _act(page, "Record entry", "Record entry")
    case.refresh_from_db()
    assert case.status == "trp_submitted"

    # The migration authority: queue, review, checklist, approval with a permit.
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, migration)
    _take_next(page, "/work/permits/")
    assert Case.objects.get(pk=case.pk).status == "trp_in_review"
    while page.locator("#checklist").get_by_role("button", name="Tick as seen").count():
        with page.expect_navigation():
            page.locator("#checklist").get_by_role("button", name="Tick as seen").first.click()
    assert_accessible(page)
    with page.expect_navigation():
        page.locator(".action-buttons").get_by_role("link", name="Approve", exact=True).click()
    page.select_option("select[name=region]", index=1)
    with page.expect_navigation():
        page.get_by_role("button", name="Approve", exact=True).click()
    case.refresh_from_db()
    assert case.status == "trp_granted"
    permit = IssuedDocument.objects.get(case=case, kind="trp")
    assert permit.number in page.locator("#issued").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "case-permit-issued-desk.png"), full_page=True)

    # Every step is in the audit trail.
    on_case = AuditEvent.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
    assert set(on_case.values_list("event_type", flat=True)) >= {
        "CASE_SUBMITTED",
        "CASE_ASSIGNED",
        "CASE_REVIEW_STARTED",
        "CASE_APPROVED",
        "ENTRY_RECORDED",
        "CHECKLIST_ITEM_CHECKED",
    }
    issued = AuditEvent.objects.filter(event_type="DOCUMENT_ISSUED")
    assert set(issued.values_list("subject_id", flat=True)) == {str(visa.pk), str(permit.pk)}

    # The applicant, on a phone, sees both decisions, both documents and the letters.
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, case.applicant)
    page.goto(f"/applications/{case.public_id}/status/")
    text = page.locator("main").inner_text()
    assert visa.number in text
    assert permit.number in text
    assert "Entry recorded" in text
    assert page.locator(".letters li").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "status-permit-granted-phone.png"), full_page=True)
    assert Case.objects.get(pk=case.pk).status == "trp_granted"
