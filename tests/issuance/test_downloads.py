"""Downloads of visas and permits: who may, what the response says, and the audit trail."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.casework import official_actions
from haven.issuance.models import IssuedDocument
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def url(document: IssuedDocument) -> str:
    return reverse("issuance:pdf", args=[document.public_id])


def viewed_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type="ISSUED_DOCUMENT_VIEWED"))


def test_the_holder_downloads_the_visa_as_an_attachment_and_it_is_audited(
    visa: IssuedDocument, applicant: User
) -> None:
    response = client_for(applicant).get(url(visa))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="visa-{visa.number}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.getvalue().startswith(b"%PDF-")
    (event,) = viewed_events()
    assert (event.actor, event.subject_type, event.subject_id) == (
        applicant,
        "issuance.issueddocument",
        str(visa.pk),
    )
    assert event.details == {"case": visa.case.reference, "kind": "visa"}


def test_the_consulate_that_issued_the_visa_downloads_it(
    visa: IssuedDocument, make_user: Callable[..., User]
) -> None:
    officer = make_user(Role.CONSULAR_OFFICER)  # any official of the issuing authority
    response = client_for(officer).get(url(visa))
    assert response.status_code == 200
    assert [event.actor for event in viewed_events()] == [officer]


def test_the_migration_authority_sees_the_visa_once_the_case_is_at_its_stage(
    visa: IssuedDocument, consul: User, migration: User
) -> None:
    client = client_for(migration)
    assert client.get(url(visa)).status_code == 404  # the case is still the consulate's
    official_actions.case_record_entry(
        actor=consul, case=visa.case, entered_on=timezone.localdate(), source="officer"
    )
    assert client.get(url(visa)).status_code == 200


def test_the_holder_downloads_the_permit(permit: IssuedDocument, applicant: User) -> None:
    response = client_for(applicant).get(url(permit))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="trp-{permit.number}.pdf"'


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.MIGRATION_OFFICER, Role.AUDITOR, Role.COMMISSION_MEMBER]
)
def test_others_get_the_same_404_as_for_a_document_that_does_not_exist(
    visa: IssuedDocument, make_user: Callable[..., User], role: Role
) -> None:
    client = client_for(make_user(role))
    before = AuditEvent.objects.count()
    assert client.get(url(visa)).status_code == 404
    missing = reverse("issuance:pdf", args=["0f0c6b8e-2d7a-4c1e-9b3f-0a1b2c3d4e5f"])
    assert client.get(missing).status_code == 404
    assert viewed_events() == []
    # Signing in is audited; a refused download adds nothing after it.
    assert AuditEvent.objects.count() == before


def test_anonymous_visitors_are_sent_to_sign_in(visa: IssuedDocument) -> None:
    response = Client().get(url(visa))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert viewed_events() == []


def test_the_status_page_links_the_download(visa: IssuedDocument, applicant: User) -> None:
    response = client_for(applicant).get(reverse("cases:status", args=[visa.case.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert url(visa) in html
    assert visa.number in html
    assert 'data-kind="visa"' in html
