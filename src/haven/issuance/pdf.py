"""The visa notice and the permit as PDF, in the holder's language, with a QR code to verify.

Rendered by WeasyPrint from the templates under ``issuance/pdf/``, with the
fonts installed on the server (no downloads) and no external resources at
all: the QR code is inline SVG, and nothing else is fetched.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from haven.issuance.models import IssuedDocument
from haven.issuance.regions import region_name
from haven.people.models import Person
from haven.rules.nationality import country_name
from haven.rules.selectors import programme_get
from haven.rules.vocabulary import authority_label

TEMPLATES = {
    IssuedDocument.Kind.VISA: "issuance/pdf/visa.html",
    IssuedDocument.Kind.TRP: "issuance/pdf/permit.html",
    IssuedDocument.Kind.RESIDENCE_PERMIT: "issuance/pdf/permit.html",
}


def verification_url(document: IssuedDocument) -> str:
    """The public page that checks the document, with its number and secret token.

    The number alone is guessable; the token (from ``secrets``) is not, so only
    someone holding the document (or its QR code) learns anything from the page.
    """
    path = reverse(
        "issuance:verify_link",
        kwargs={"number": document.number, "token": document.verification_token},
    )
    return f"{settings.HAVEN_PUBLIC_URL.rstrip('/')}{path}"


def verification_page_url() -> str:
    """The verification form, printed for readers who type the number and code themselves."""
    return f"{settings.HAVEN_PUBLIC_URL.rstrip('/')}{reverse('issuance:verify')}"


def qr_svg(payload: str) -> str:
    """The payload as a QR code in SVG markup, to inline in the page."""
    code = segno.make(payload, error="m", micro=False)
    return code.svg_inline(scale=3, border=2, dark="#000", light="#fff", omitsize=True)


def _context(document: IssuedDocument, language: str) -> dict[str, Any]:
    case = document.case
    programme = programme_get(case.programme)
    stage = programme.stage(document.decision.stage)
    person = Person.objects.select_related("passport").get(case=case, role=Person.Role.APPLICANT)
    native_name = f"{person.native_surname} {person.native_given_names}".strip()
    url = verification_url(document)
    return {
        "document": document,
        "language": language,
        "title": programme.localised(stage.title, language),
        "title_ru": programme.localised(stage.title, "ru"),
        "programme_title": programme.localised(programme.title, language),
        "issuing_state": country_name(settings.HAVEN_ISSUING_STATE, language),
        "surname": person.surname,
        "given_names": person.given_names,
        "native_name": native_name,
        "birth_date": person.birth_date,
        "nationalities": ", ".join(country_name(code, language) for code in person.citizenships),
        "passport_number": person.passport.number,
        "kind_label": document.get_kind_display(),
        "region_name": region_name(document.region) if document.region else "",
        "authority": authority_label(stage.authority),
        "legal_basis": programme.legal_basis.act,
        "verification_url": url,
        "verification_page_url": verification_page_url(),
        # segno writes the markup itself from the URL: nothing in it comes from a person.
        "qr_svg": mark_safe(qr_svg(url)),  # noqa: S308  # nosec B308 B703
    }


def document_pdf(document: IssuedDocument) -> bytes:
    """The document as PDF, in the language the holder applied in, with the Russian title.

    The caller has already checked that the reader may see ``document``.
    """
    # WeasyPrint loads pango and its fonts when imported: only where a PDF is made.
    from weasyprint import HTML  # type: ignore[import-untyped]

    language = document.case.language or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string(
            TEMPLATES[IssuedDocument.Kind(document.kind)], _context(document, language)
        )
    return bytes(HTML(string=html).write_pdf())
