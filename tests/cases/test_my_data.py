"""An applicant downloads all their own data, as JSON and as PDF, and nobody else's."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.cases.models import Case, CaseNote, Decision
from haven.casework import applicant_actions, official_actions
from haven.documents.models import Document
from haven.issuance.models import IssuedDocument
from haven.movements.actions import integration_client_create, movement_record
from tests.cases.applicant_helpers import approve, reload, request_information, submitted_case
from tests.cases.helpers import PERSON, complete_draft
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

NOTE = "Internal: compare with the consulate's list before deciding."
ANSWER = "The clearer scan is attached."


@pytest.fixture
def anna(make_user: Callable[..., User]) -> User:
    return make_user(Role.APPLICANT, email="anna.export@example.org")


@pytest.fixture
def boris(make_user: Callable[..., User]) -> User:
    return make_user(Role.APPLICANT, email="boris.export@example.org")


@pytest.fixture
def decided(anna: User, consul: User, make_user: Callable[..., User]) -> Case:
    """Anna's case: a request answered, an internal note, an assignment, a visa, an entry."""
    case = submitted_case(anna)
    request_information(case, consul)
    applicant_actions.case_answer_information(applicant=anna, case=reload(case), answer=ANSWER)
    official_actions.case_note_add(officer=consul, case=reload(case), text=NOTE)
    colleague = make_user(Role.CONSULAR_OFFICER, email="colleague.export@example.org")
    official_actions.case_assign(officer=consul, case=reload(case), assignee=colleague)
    approve(case, consul)
    visa = IssuedDocument.objects.get(case=case)
    client, _token = integration_client_create(name="border-test")
    movement_record(
        client=client,
        event_id="crossing-1",
        kind="entry",
        occurred_at=timezone.now() - timedelta(minutes=5),
        document_number=visa.number,
        border_point="Sheremetyevo",
    )
    return reload(case)


@pytest.fixture
def boris_case(boris: User) -> Case:
    draft = complete_draft(boris)
    applicant_actions.case_update_person(
        actor=boris, case=draft, data={**PERSON, "surname": "Petrov", "birth_place": "Kazan"}
    )
    return applicant_actions.case_submit(actor=boris, case=draft)


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def exported(client: Client) -> dict[str, Any]:
    response = client.get(reverse("cases:my_data_json"))
    assert response.status_code == 200
    return json.loads(response.getvalue())


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def test_the_json_holds_the_applicants_account_and_application(
    anna: User, decided: Case, boris_case: Case
) -> None:
    data = exported(client_for(anna))
    assert data["format"] == "haven-personal-data"
    assert data["account"] == {
        "email": "anna.export@example.org",
        "full_name": "",
        "preferred_language": "en",
        "preferred_language_name": "English",
        "created_at": data["account"]["created_at"],
        "roles": ["applicant"],
        "role_labels": ["Applicant"],
    }
    (application,) = data["applications"]
    assert application["reference"] == decided.reference
    assert application["status"] == decided.status
    assert application["person"]["surname"] == "Schmidt"
    assert application["person"]["passport"]["number"] == "C01X00T47"
    assert application["declaration"]["full_name"] == "Anna Maria Schmidt"
    assert application["declaration"]["binding_text"]
    stored = Document.objects.filter(case=decided).order_by("received_at", "pk")
    assert [d["sha256"] for d in application["documents"]] == [d.sha256 for d in stored]
    assert [d["size"] for d in application["documents"]] == [d.size for d in stored]
    assert application["documents"][0]["file_name_as_uploaded"] == "passport_scan.png"
    (information,) = application["information_requests"]
    assert (information["message"], information["answer"]) == (
        "Send a clearer passport scan.",
        ANSWER,
    )
    (decision,) = application["decisions"]
    stored_decision = Decision.objects.get(case=decided)
    assert decision["outcome"] == "approved"
    assert decision["letter"] == {
        "file_name": f"decision-{decided.reference}-visa.pdf",
        "url": reverse(
            "cases:decision_letter", args=[decided.public_id, stored_decision.public_id]
        ),
    }
    visa = IssuedDocument.objects.get(case=decided)
    (issued,) = application["issued_documents"]
    assert (issued["kind"], issued["number"], issued["valid_until"]) == (
        "visa",
        visa.number,
        visa.valid_until.isoformat(),
    )
    (crossing,) = application["border_crossings"]
    assert (crossing["kind"], crossing["border_point"], crossing["document_number"]) == (
        "entry",
        "Sheremetyevo",
        visa.number,
    )


def test_the_json_holds_only_what_the_applicant_sees_of_their_timeline(
    anna: User, consul: User, decided: Case
) -> None:
    data = exported(client_for(anna))
    (application,) = data["applications"]
    types = [entry["type"] for entry in application["timeline"]]
    visible = list(
        decided.events.filter(visible_to_applicant=True)
        .order_by("-occurred_at", "-pk")
        .values_list("type", flat=True)
    )
    assert types == visible
    assert "ASSIGNED" not in types
    assert decided.events.filter(visible_to_applicant=False).exists()
    content = json.dumps(data)
    assert CaseNote.objects.filter(case=decided).exists()
    assert NOTE not in content
    assert consul.email not in content  # who decided, assigned or asked stays out
    assert "colleague.export" not in content
    assert "assignee" not in content


def test_another_applicants_data_never_appears(
    anna: User, boris: User, decided: Case, boris_case: Case
) -> None:
    anna_content = client_for(anna).get(reverse("cases:my_data_json")).getvalue().decode()
    assert str(boris_case.reference) not in anna_content
    assert "Petrov" not in anna_content
    assert boris.email not in anna_content
    boris_data = exported(client_for(boris))
    assert [a["reference"] for a in boris_data["applications"]] == [boris_case.reference]
    boris_content = json.dumps(boris_data)
    assert str(decided.reference) not in boris_content
    assert anna.email not in boris_content
    assert "Sheremetyevo" not in boris_content


def test_an_applicant_without_applications_gets_their_account_only(anna: User) -> None:
    data = exported(client_for(anna))
    assert data["applications"] == []
    assert data["account"]["email"] == anna.email


def test_the_downloads_are_attachments_without_personal_data_in_their_names(
    anna: User, decided: Case
) -> None:
    client = client_for(anna)
    today = timezone.localdate().isoformat()
    for name, content_type in (("json", "application/json"), ("pdf", "application/pdf")):
        response = client.get(reverse(f"cases:my_data_{name}"))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == (
            f'attachment; filename="haven-my-data-{today}.{name}"'
        )
        assert "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_every_download_is_audited_with_the_format_and_counts_only(
    anna: User, decided: Case
) -> None:
    client = client_for(anna)
    client.get(reverse("cases:my_data_json"))
    client.get(reverse("cases:my_data_pdf"))
    events = list(
        AuditEvent.objects.filter(event_type=EventType.PERSONAL_DATA_EXPORTED).order_by("sequence")
    )
    assert [event.details["format"] for event in events] == ["json", "pdf"]
    documents = Document.objects.filter(case=decided).count()
    timeline = decided.events.filter(visible_to_applicant=True).count()
    for event in events:
        assert (event.actor, event.subject_type, event.subject_id) == (
            anna,
            "accounts.user",
            str(anna.pk),
        )
        assert event.details == {
            "format": event.details["format"],
            "applications": 1,
            "border_crossings": 1,
            "decisions": 1,
            "documents": documents,
            "information_requests": 1,
            "issued_documents": 1,
            "timeline": timeline,
        }
    assert str(EventType.PERSONAL_DATA_EXPORTED.label) == "Applicant's own data downloaded"


def test_the_pdf_is_a_real_pdf_with_the_applicants_data(anna: User, decided: Case) -> None:
    response = client_for(anna).get(reverse("cases:my_data_pdf"))
    content = response.getvalue()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert str(decided.reference) in text
    assert "Your data in Haven" in text
    assert "Schmidt" in text
    assert IssuedDocument.objects.get(case=decided).number in text
    assert NOTE not in text


def test_the_pdf_is_in_german_for_a_german_reader(anna: User, decided: Case) -> None:
    client = client_for(anna)
    client.cookies["django_language"] = "de"
    response = client.get(reverse("cases:my_data_pdf"))
    text = pdf_text(response.getvalue())
    assert "Ihre Daten in Haven" in text
    assert "Ihr Konto" in text
    assert "Deutschland" in text  # the citizenship by its name, in German
    assert str(decided.reference) in text
    assert "Your data in Haven" not in text


@pytest.mark.parametrize("role", [Role.CONSULAR_OFFICER, Role.MIGRATION_OFFICER, Role.AUDITOR])
def test_officials_get_no_export(role: Role, make_user: Callable[..., User], decided: Case) -> None:
    official = make_user(role)
    client = client_for(official)
    for name in ("my_data", "my_data_json", "my_data_pdf"):
        assert client.get(reverse(f"cases:{name}")).status_code == 403
    assert not AuditEvent.objects.filter(event_type=EventType.PERSONAL_DATA_EXPORTED).exists()


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    for name in ("my_data", "my_data_json", "my_data_pdf"):
        response = Client().get(reverse(f"cases:{name}"))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert not AuditEvent.objects.filter(event_type=EventType.PERSONAL_DATA_EXPORTED).exists()


def test_the_page_offers_both_downloads_and_the_list_links_to_it(anna: User) -> None:
    client = client_for(anna)
    page = client.get(reverse("cases:my_data")).content.decode()
    assert reverse("cases:my_data_json") in page
    assert reverse("cases:my_data_pdf") in page
    listing = client.get(reverse("cases:list")).content.decode()
    assert reverse("cases:my_data") in listing
    assert not AuditEvent.objects.filter(event_type=EventType.PERSONAL_DATA_EXPORTED).exists()
