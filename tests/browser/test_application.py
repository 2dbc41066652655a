"""An applicant goes from the pre-check to a submitted application, in a real browser.

The journey of tests/cases/test_journey.py, typed, clicked and uploaded in
Chromium: in German with axe-core on every page at desk and phone widths (with
screenshots in test-artifacts/screenshots/application/), and without JavaScript.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import BrowserContext, FilePayload, Page

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case
from tests.browser.conftest import SCREENSHOT_DIR, assert_accessible
from tests.cases.helpers import MRZ, PERSON

pytestmark = pytest.mark.browser

SHOTS = SCREENSHOT_DIR / "application"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FULL_NAME = "Anna Maria Schmidt"
PASSPORT_NUMBER = "C01X00T47"
REFERENCE = re.compile(r"HVN-(\d{4})-\d{6}")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
APPLICATION = re.compile(
    r"^/applications/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/$"
)
# axe-core no longer reports repeated ids (WCAG 2.2 dropped 4.1.1), but a label,
# an error-summary link or aria-describedby still finds only the first of them.
DUPLICATE_IDS = """() => {
  const counts = new Map();
  for (const element of document.querySelectorAll("[id]")) {
    counts.set(element.id, (counts.get(element.id) || 0) + 1);
  }
  return [...counts].filter(([, count]) => count > 1).map(([id]) => id);
}"""
ONE_LINE = """(element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size === 1;
}"""
SCROLL_WIDTH = "[document.documentElement.scrollWidth, window.innerWidth]"


def _image(image_format: str, colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), colour).save(buffer, image_format)
    return buffer.getvalue()


UPLOADS: dict[str, FilePayload] = {
    "passport_scan": {
        "name": "reisepass.png",
        "mimeType": "image/png",
        "buffer": _image("PNG", "navy"),
    },
    "photo": {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": _image("JPEG", "teal")},
}


class Journey:
    """One applicant's way through the pages; every step checks where it lands.

    ``check`` runs axe-core on each page; ``shots`` saves a screenshot of the
    pages named and fails if one scrolls sideways.
    """

    def __init__(
        self,
        page: Page,
        live_server: Any,
        sign_in: Callable[[Page, User], None],
        *,
        check: bool,
        shots: bool,
    ) -> None:
        self.page = page
        self.live_server = live_server
        self.sign_in_page = sign_in
        self.check = check
        self.shots = shots
        self.base = ""

    def path(self) -> str:
        assert self.page.url.startswith(self.live_server.url), self.page.url
        return self.page.url.removeprefix(self.live_server.url)

    def click(self, selector: str) -> None:
        """Press a link or button that loads another page, and wait for that page."""
        with self.page.expect_navigation():
            self.page.locator(selector).click()

    def look(self, name: str) -> None:
        """What every page gets: one h1, a title, unique ids, axe, and at phone width a look."""
        page = self.page
        assert page.locator("h1").count() == 1, page.url
        assert page.title().endswith(" – Haven"), page.title()
        duplicates = page.evaluate(DUPLICATE_IDS)
        assert not duplicates, f"{page.url} repeats ids: {duplicates}"
        if self.check:
            assert_accessible(page)
        if self.shots:
            width = page.viewport_size["width"] if page.viewport_size else 0
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            scroll_width, inner_width = page.evaluate(SCROLL_WIDTH)
            assert scroll_width <= inner_width, (
                f"{page.url} scrolls sideways at {width}px: {scroll_width}px wide"
            )

    def sign_in(self, applicant: User) -> None:
        self.sign_in_page(self.page, applicant)
        assert self.path() == "/applications/"

    def switch_to_german(self) -> None:
        self.click("button[name=language][value=de]")
        assert self.path() == "/applications/"
        assert self.page.locator("html").get_attribute("lang") == "de"

    def pre_check(self) -> None:
        page = self.page
        page.goto("/programmes/shared-values/check/")
        assert page.locator("section.result").count() == 0
        self.look("pre-check")
        page.select_option("#id_nationality", "DE")
        self.click("main form button[type=submit]")
        assert page.locator("section.result").get_attribute("data-outcome") == "eligible"
        start = page.locator("section.result a.button--start")
        assert start.get_attribute("href") == "/applications/start/shared-values/"
        self.look("pre-check-result")
        self.click("section.result a.button--start")
        assert self.path() == "/applications/start/shared-values/"
        self.look("start")

    def start(self) -> None:
        self.click("main form button.button--start")
        match = APPLICATION.match(self.path())
        assert match, self.path()
        self.base = f"/applications/{match.group(1)}/"
        assert self.page.locator(".task-list .tag").count() == 5
        assert self.page.locator(".task-list a").count() == 4
        self.look("task-list")

    def about_you(self) -> None:
        page = self.page
        # The whole row is the link's target: pressing its status tag opens the section.
        row = page.locator(".task-list .task").filter(
            has=page.locator(f"a[href='{self.base}about-you/']")
        )
        box = row.locator(".tag").bounding_box()
        assert box is not None
        with page.expect_navigation():
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert self.path() == self.base + "about-you/"
        self.look("about-you")
        # A mistake first: explained at the top and beside the field, everything kept.
        self.fill_about_you(surname="Schmidt 3")
        self.click("main form button[type=submit]")
        assert self.path() == self.base + "about-you/"
        summary = page.locator(".error-summary")
        assert summary.is_visible()
        assert summary.locator("a[href='#id_surname']").count() == 1
        assert page.locator(".field--error #id_surname").count() == 1
        assert page.input_value("#id_surname") == "Schmidt 3"
        assert page.input_value("#id_birth_date") == "1985-03-21"
        assert page.is_checked("input[name=sex][value=F]")
        assert page.input_value("#id_residence") == "DE"
        self.look("about-you-error")
        page.fill("#id_surname", str(PERSON["surname"]))
        self.click("main form button[type=submit]")
        assert self.path() == self.base + "passport/"

    def fill_about_you(self, *, surname: str) -> None:
        page = self.page
        birth_date = PERSON["birth_date"]
        assert isinstance(birth_date, date)
        page.fill("#id_surname", surname)
        page.fill("#id_given_names", str(PERSON["given_names"]))
        page.fill("#id_birth_date", birth_date.isoformat())
        page.fill("#id_birth_place", str(PERSON["birth_place"]))
        page.check("input[name=sex][value=F]")
        page.select_option("#id_citizenship", "DE")
        page.select_option("#id_residence", "DE")
        page.fill("#id_address", str(PERSON["address"]))
        page.fill("#id_phone", str(PERSON["phone"]))
        page.fill("#id_email", str(PERSON["email"]))

    def passport(self) -> None:
        page = self.page
        assert page.input_value("#id_number") == ""
        self.look("passport")
        page.fill("#id_mrz_line1", MRZ[0])
        page.fill("#id_mrz_line2", MRZ[1])
        self.click("button[name=action][value=fill]")
        assert self.path() == self.base + "passport/"
        assert page.locator(".error-summary").count() == 0
        assert page.input_value("#id_number") == PASSPORT_NUMBER
        assert page.input_value("#id_expiry_date") == "2033-05-31"
        assert page.input_value("#id_issuing_state") == "DE"
        assert page.input_value("#id_mrz_line1") == MRZ[0]
        assert page.input_value("#id_mrz_line2") == MRZ[1]
        if self.shots:
            # Both lines of the zone are in view whole, to check them against the passport.
            for line in ("#id_mrz_line1", "#id_mrz_line2"):
                overflow = page.locator(line).evaluate(
                    "input => input.scrollWidth - input.clientWidth"
                )
                assert overflow <= 0, f"{line} hides {overflow}px of the zone"
        self.look("passport-filled")
        page.fill("#id_issue_date", "2023-06-01")
        self.click("button[name=action][value=save]")
        assert self.path() == self.base + "declaration/"

    def declaration(self) -> None:
        page = self.page
        assert page.locator("main [lang=ru]").count() >= 1
        self.look("declaration")
        page.check("#id_agree")
        page.fill("#id_full_name", FULL_NAME)
        self.click("main form button[type=submit]")
        assert self.path() == self.base + "documents/"

    def documents(self) -> None:
        page = self.page
        assert page.locator(".receipt").count() == 0
        self.look("documents")
        for kind, upload in UPLOADS.items():
            # Each document has its own form: a hidden kind and a file input named <kind>-file.
            form = page.locator("main form").filter(
                has=page.locator(f"input[name=kind][value={kind}]")
            )
            form.locator(f"input#id_{kind}-file[name={kind}-file]").set_input_files(upload)
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
            assert self.path() == self.base + "documents/"
            assert page.locator(".error-summary").count() == 0
            receipt = page.locator(f"section[aria-labelledby=doc-{kind}] .receipt")
            assert receipt.count() == 1
            assert upload["name"] in receipt.inner_text()
            fingerprint = receipt.locator(".fingerprint").inner_text().strip()
            assert SHA256.match(fingerprint), fingerprint
        assert page.locator(".receipt .fingerprint").count() == 2
        self.look("documents-uploaded")
        self.click(f"main a.button[href='{self.base}check/']")
        assert self.path() == self.base + "check/"

    def task_list_complete(self) -> None:
        """Back from the check page: every section completed, the check now open."""
        self.click("main a.back-link")
        assert self.path() == self.base
        assert self.page.locator(".task-list .tag--completed").count() == 4
        self.look("task-list-complete")
        self.click(f".task-list a[href='{self.base}check/']")
        assert self.path() == self.base + "check/"

    def check_and_submit(self) -> str:
        page = self.page
        answers = page.locator("main").inner_text()
        assert page.locator(".error-summary").count() == 0
        assert FULL_NAME in answers
        assert PASSPORT_NUMBER in answers
        assert "reisepass.png" in answers
        assert "foto.jpg" in answers
        assert page.locator("main .summary-list--actions a").count() == 12
        self.look("check")
        self.click("main form button[type=submit]")
        assert self.path() == self.base + "submitted/"
        panel = page.locator(".panel--done")
        assert panel.locator("h1").count() == 1
        match = REFERENCE.search(panel.inner_text())
        assert match, panel.inner_text()
        assert int(match.group(1)) == timezone.localdate().year
        if self.shots:
            # The reference is read and copied in one piece: one line, inside the panel.
            reference = panel.locator(".reference strong")
            assert reference.inner_text() == match.group(0)
            box, outer = reference.bounding_box(), panel.bounding_box()
            assert box is not None
            assert outer is not None
            assert box["x"] + box["width"] <= outer["x"] + outer["width"]
            assert reference.evaluate(ONE_LINE), "the reference breaks across lines"
        self.look("confirmation")
        return match.group(0)

    def status(self, reference: str) -> None:
        self.click(f"main a[href='{self.base}status/']")
        assert self.path() == self.base + "status/"
        assert reference in self.page.locator("h1").inner_text()
        assert self.page.locator("main .tag").count() >= 1
        assert self.page.locator(".timeline > li").count() >= 2
        self.look("status")

    def my_data(self) -> None:
        """From the list of applications to the page of the applicant's own data, and a download."""
        self.page.goto(f"{self.live_server.url}/applications/")
        self.click("main a[href='/applications/my-data/']")
        assert self.path() == "/applications/my-data/"
        self.look("my-data")
        with self.page.expect_download() as download:
            self.page.locator("main a[href='/applications/my-data/json/']").click()
        assert download.value.suggested_filename.startswith("haven-my-data-")
        assert download.value.suggested_filename.endswith(".json")

    def whole_way(self, applicant: User, *, german: bool) -> None:
        self.sign_in(applicant)
        if german:
            self.switch_to_german()
        self.pre_check()
        self.start()
        self.about_you()
        self.passport()
        self.declaration()
        self.documents()
        self.task_list_complete()
        reference = self.check_and_submit()
        self.status(reference)
        self.my_data()
        if german:
            assert self.page.locator("html").get_attribute("lang") == "de"
        case = Case.objects.get(applicant=applicant)
        assert case.status == "visa_submitted"
        assert case.reference == reference
        assert self.base == f"/applications/{case.public_id}/"


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=lambda viewport: f"{viewport['width']}px")
def test_a_whole_application_in_german(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    make_user: Callable[..., User],
    sign_in: Callable[[Page, User], None],
    viewport: dict[str, int],
) -> None:
    applicant = make_user(Role.APPLICANT)
    page = new_context(viewport=viewport).new_page()
    Journey(page, live_server, sign_in, check=True, shots=True).whole_way(applicant, german=True)


def test_a_whole_application_without_javascript(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    make_user: Callable[..., User],
    sign_in: Callable[[Page, User], None],
) -> None:
    applicant = make_user(Role.APPLICANT)
    page = new_context(java_script_enabled=False).new_page()
    Journey(page, live_server, sign_in, check=False, shots=False).whole_way(applicant, german=False)
