"""Decision letters: the PDF in the applicant's language, who may download it, the audit trail."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.cases.models import Decision
from haven.casework.letters import decision_letter_pdf
from haven.issuance.models import IssuedDocument
from haven.rules.selectors import programme_get
from tests.cases.applicant_helpers import REFUSAL_EXPLANATION, approve, refuse, submitted_case
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(make_user: Callable[..., User]) -> User:
    return make_user(Role.APPLICANT)


def text_of(pdf: bytes) -> str:
    # Lines wrap where the page ends: compare words, not line breaks.
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def letter_url(decision: Decision) -> str:
    return reverse("cases:decision_letter", args=[decision.case.public_id, decision.public_id])


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def viewed() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=EventType.DECISION_LETTER_VIEWED))


def grounds_parameter() -> list[dict]:
    return programme_get("shared-values").parameter("visa_refusal_grounds").values[0].value


def test_a_refusal_letter_for_a_german_applicant_names_each_ground_in_german(
    applicant: User, consul: User
) -> None:
    case = submitted_case(applicant, "de")
    assert case.language == "de"
    decision = refuse(case, consul, ("documents_false", "security"))
    text = text_of(decision_letter_pdf(decision))
    grounds = {ground["code"]: ground for ground in grounds_parameter()}
    for code in ("documents_false", "security"):
        assert grounds[code]["title"]["de"] in text
        assert grounds[code]["article"] in text
        assert grounds[code]["title"]["en"] not in text
    assert "114-FZ" in text  # the act each ground comes from
    assert str(case.reference) in text
    assert REFUSAL_EXPLANATION in text
    assert "Einreisevisum" in text  # the stage, in German
    assert "Anna Maria Schmidt" in text  # the name
    assert "04109 Leipzig" in text  # and the address
    assert "Sie können diese Entscheidung" in text  # Haven's own wording, in German too
    assert "You may appeal this decision" not in text
    assert consul.email not in text  # the official's function, never the person


def test_an_approval_letter_names_the_visa_and_what_to_do_next(
    applicant: User, consul: User
) -> None:
    decision = approve(submitted_case(applicant), consul)
    visa = IssuedDocument.objects.get(decision=decision)
    text = text_of(decision_letter_pdf(decision))
    assert visa.number in text
    assert "approved" in text
    assert "Enter the Russian Federation with this visa" in text
    assert "Grounds for the refusal" not in text


def test_the_applicant_downloads_the_letter_as_an_attachment_and_it_is_audited(
    applicant: User, consul: User
) -> None:
    decision = refuse(submitted_case(applicant), consul)
    response = client_for(applicant).get(letter_url(decision))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="decision-{decision.case.reference}-visa.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.getvalue().startswith(b"%PDF-")
    (event,) = viewed()
    assert (event.actor, event.subject_type, event.subject_id) == (
        applicant,
        "cases.decision",
        str(decision.pk),
    )
    assert event.details == {
        "case": decision.case.reference,
        "stage": "visa",
        "outcome": "refused",
    }


def test_the_letter_address_uses_public_ids_only(applicant: User, consul: User) -> None:
    decision = refuse(submitted_case(applicant), consul)
    url = letter_url(decision)
    assert str(decision.public_id) in url
    assert f"/decisions/{decision.pk}/" not in url


def test_an_official_of_the_deciding_authority_may_download_it(
    applicant: User, consul: User, make_user: Callable[..., User]
) -> None:
    decision = refuse(submitted_case(applicant), consul)
    colleague = make_user(Role.CONSULAR_OFFICER)
    assert client_for(colleague).get(letter_url(decision)).status_code == 200
    assert [event.actor for event in viewed()] == [colleague]


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.MIGRATION_OFFICER, Role.AUDITOR])
def test_anyone_else_gets_404_and_nothing_is_recorded(
    applicant: User, consul: User, make_user: Callable[..., User], role: Role
) -> None:
    decision = refuse(submitted_case(applicant), consul)
    response = client_for(make_user(role)).get(letter_url(decision))
    assert response.status_code == 404
    assert viewed() == []


def test_a_decision_of_another_case_is_not_found_under_ones_own_case(
    applicant: User, consul: User, make_user: Callable[..., User]
) -> None:
    mine = submitted_case(applicant)
    theirs = refuse(submitted_case(make_user(Role.APPLICANT)), consul)
    url = reverse("cases:decision_letter", args=[mine.public_id, theirs.public_id])
    assert client_for(applicant).get(url).status_code == 404
    unknown = reverse("cases:decision_letter", args=[mine.public_id, uuid.uuid4()])
    assert client_for(applicant).get(unknown).status_code == 404
    assert viewed() == []


def test_anonymous_visitors_are_sent_to_sign_in(applicant: User, consul: User) -> None:
    decision = refuse(submitted_case(applicant), consul)
    response = Client().get(letter_url(decision))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert viewed() == []


def test_each_decision_has_its_own_public_id(
    applicant: User, consul: User, make_user: Callable[..., User]
) -> None:
    first = refuse(submitted_case(applicant), consul)
    second = approve(submitted_case(make_user(Role.APPLICANT)), consul)
    assert first.public_id != second.public_id
    assert Decision.objects.filter(public_id=first.public_id).get() == first


def test_rendering_a_letter_does_not_make_uploads_accept_truncated_images(
    applicant: User, consul: User
) -> None:
    # WeasyPrint sets PIL's LOAD_TRUNCATED_IMAGES for the whole process when imported.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from haven.documents.validation import RefusalCode, UploadRefused, check_upload
    from tests.documents import files

    decision_letter_pdf(refuse(submitted_case(applicant), consul))
    with pytest.raises(UploadRefused) as refusal:
        check_upload(SimpleUploadedFile("half.jpg", files.truncated_jpeg()))
    assert refusal.value.code == RefusalCode.IMAGE_DAMAGED
