"""The visa notice and the permit as PDF: what they print, in the holder's language."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format
from pypdf import PdfReader

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.casework import applicant_actions
from haven.issuance.models import IssuedDocument
from haven.issuance.pdf import document_pdf, verification_url
from tests.cases.helpers import PERSON, complete_draft
from tests.issuance.conftest import granted_visa

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_title(content: bytes) -> str | None:
    metadata = PdfReader(io.BytesIO(content)).metadata
    return metadata.title if metadata else None


def test_the_visa_notice_prints_the_holder_the_dates_and_the_machine_readable_zone(
    visa: IssuedDocument,
) -> None:
    content = document_pdf(visa)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    with translation.override("en"):
        for day in (date(1985, 3, 21), visa.issued_on, visa.valid_from, visa.valid_until):
            assert date_format(day, "DATE_FORMAT") in text
    for expected in (
        visa.number,
        "Schmidt",
        "Anna Maria",
        "Germany",  # the nationality's name, not its code
        "C01X00T47",  # the passport number
        "Single entry",
        "Entry visa",
        "Въездная виза",  # the Russian title beside the holder's language
        visa.mrz_line1,
        visa.mrz_line2,
        "An embassy or consulate of the Russian Federation",
        "Presidential Decree No. 702 of 19 August 2024",
        visa.verification_token,
        f"{settings.HAVEN_PUBLIC_URL}/verify/",
    ):
        assert expected in text, expected
    assert pdf_title(content) == f"Entry visa {visa.number}"


def test_the_permit_names_its_region_and_no_machine_readable_zone(
    permit: IssuedDocument,
) -> None:
    content = document_pdf(permit)
    text = pdf_text(content)
    for expected in (
        permit.number,
        "Schmidt",
        "Temporary residence permit",
        "Разрешение на временное проживание",
        "Region of residence",
        "Moskva",  # RU-MOW, by the regions' names
        "The migration authority (Ministry of Internal Affairs, MVD)",
    ):
        assert expected in text, expected
    with translation.override("en"):
        assert date_format(permit.valid_until, "DATE_FORMAT") in text
    assert "Machine-readable zone" not in text
    assert "Entries" not in text
    assert pdf_title(content) == f"Temporary residence permit {permit.number}"


def _german_case_with_native_names(
    make_user: Callable[..., User], surname: str, given_names: str
) -> Case:
    applicant = make_user(Role.APPLICANT)
    with translation.override("de"):
        case = complete_draft(applicant)
    applicant_actions.case_update_person(
        actor=applicant,
        case=case,
        data={**PERSON, "native_surname": surname, "native_given_names": given_names},
    )
    return applicant_actions.case_submit(actor=applicant, case=case)


@pytest.mark.parametrize(
    ("surname", "given_names"),
    [("Шмидт", "Анна Мария"), ("Σμιτ", "Άννα Μαρία")],
    ids=["cyrillic", "greek"],
)
def test_native_script_names_and_the_holders_language(
    make_user: Callable[..., User], surname: str, given_names: str
) -> None:
    case = _german_case_with_native_names(make_user, surname, given_names)
    assert case.language == "de"
    visa = granted_visa(case, make_user(Role.CONSULAR_OFFICER))
    content = document_pdf(visa)
    text = pdf_text(content)
    assert f"{surname} {given_names}" in text
    assert "Einreisevisum" in text  # the stage's title in German
    assert "Въездная виза" in text
    assert "21. März 1985" in text  # dates as a German reader writes them
    assert "Deutschland" in text
    assert pdf_title(content) == f"Einreisevisum {visa.number}"


def test_the_qr_code_carries_the_verification_address_with_the_secret_token(
    visa: IssuedDocument,
) -> None:
    url = verification_url(visa)
    assert url == (f"{settings.HAVEN_PUBLIC_URL}/verify/{visa.number}/{visa.verification_token}/")
    # Unguessable: 24 random bytes, different for every document.
    assert len(visa.verification_token) >= 32
    # The address answers, on this site, that the visa is valid.
    response = Client().get(url.removeprefix(settings.HAVEN_PUBLIC_URL))
    assert response.status_code == 200
    assert 'data-validity="valid"' in response.content.decode()


def test_the_pdf_holds_the_qr_code_of_that_address(
    visa: IssuedDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haven.issuance import pdf

    payloads: list[str] = []
    real = pdf.qr_svg

    def spy(payload: str) -> str:
        payloads.append(payload)
        return real(payload)

    monkeypatch.setattr(pdf, "qr_svg", spy)
    document_pdf(visa)
    assert payloads == [verification_url(visa)]
