"""Applicant B can never see, change or submit anything of applicant A's."""

from __future__ import annotations

import pytest
from django.test import Client

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.documents.models import Document
from tests.cases.helpers import complete_draft, image_upload
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

SECTIONS = (
    "",
    "about-you/",
    "passport/",
    "declaration/",
    "documents/",
    "check/",
    "submitted/",
    "status/",
    "withdraw/",
)


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    person = case.people.get()
    return (
        case.status,
        case.version,
        case.reference,
        person.surname,
        person.passport.number,
        Document.objects.filter(case=case, removed_at__isnull=True).count(),
        AuditEvent.objects.filter(subject_id=str(case.pk)).count(),
    )


@pytest.mark.parametrize("submitted", [False, True])
def test_another_applicant_gets_404_everywhere_and_changes_nothing(make_user, submitted) -> None:
    owner = make_user(Role.APPLICANT)
    case = complete_draft(owner)
    if submitted:
        from haven.casework.applicant_actions import case_submit

        case = case_submit(actor=owner, case=case)
    before = snapshot(case)
    intruder = Client()
    sign_in(intruder, make_user(Role.APPLICANT))
    document = Document.objects.filter(case=case).first()
    assert document is not None
    for section in SECTIONS:
        url = f"/applications/{case.public_id}/{section}"
        assert intruder.get(url).status_code == 404, url
        assert (
            intruder.post(
                url,
                {
                    "surname": "Intruder",
                    "kind": "photo",
                    "remove": str(document.public_id),
                    "photo-file": image_upload(),
                },
            ).status_code
            == 404
        ), url
    assert intruder.get(f"/documents/{document.public_id}/").status_code == 404
    assert snapshot(case) == before


def test_the_list_shows_only_ones_own_applications(make_user) -> None:
    owner = make_user(Role.APPLICANT)
    complete_draft(owner)
    other = Client()
    sign_in(other, make_user(Role.APPLICANT))
    html = other.get("/applications/").content.decode()
    assert "You have no applications yet" in html


@pytest.mark.parametrize("role", [r for r in Role if r != Role.APPLICANT])
def test_officials_cannot_use_the_applicants_pages(signed_in, make_user, role) -> None:
    case = complete_draft(make_user(Role.APPLICANT))
    client, _official = signed_in(role)
    assert client.get(f"/applications/{case.public_id}/").status_code == 403
    assert client.post("/applications/start/shared-values/").status_code == 403
    assert Case.objects.count() == 1
