"""The applicant's journey through the pages, as a browser without JavaScript would post it."""

from __future__ import annotations

import pytest
from django.core import mail

from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.documents.models import Document
from tests.cases.helpers import MRZ, PERSON, image_upload

pytestmark = pytest.mark.django_db


def about_you_form() -> dict[str, str]:
    data = {k: v for k, v in PERSON.items() if k != "citizenships"}
    data["birth_date"] = PERSON["birth_date"].isoformat()  # type: ignore[attr-defined]
    data["citizenship"] = "DE"
    return {k: str(v) for k, v in data.items()}


def test_from_start_to_submitted_in_german(signed_in, django_capture_on_commit_callbacks) -> None:
    client, applicant = signed_in(Role.APPLICANT)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    response = client.post("/applications/start/shared-values/")
    assert response.status_code == 302
    case = Case.objects.get(applicant=applicant)
    base = f"/applications/{case.public_id}/"
    assert response["Location"] == base
    task_list = client.get(base).content.decode()
    assert "Nicht begonnen" in task_list or "Not started" in task_list

    # About you: a mistake first, kept and explained.
    bad = {**about_you_form(), "birth_date": "2099-01-01", "surname": "Schmidt 3"}
    page = client.post(base + "about-you/", bad)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="error-summary"' in html
    assert 'value="Schmidt 3"' in html
    response = client.post(base + "about-you/", about_you_form())
    assert response["Location"] == base + "passport/"

    # Passport: fill from the two lines, check, save.
    filled = client.post(
        base + "passport/", {"mrz_line1": MRZ[0], "mrz_line2": MRZ[1], "action": "fill"}
    )
    html = filled.content.decode()
    assert 'value="C01X00T47"' in html
    assert 'value="2033-05-31"' in html
    response = client.post(
        base + "passport/",
        {
            "mrz_line1": MRZ[0],
            "mrz_line2": MRZ[1],
            "number": "C01X00T47",
            "issuing_state": "DE",
            "issue_date": "2023-06-01",
            "expiry_date": "2033-05-31",
            "action": "save",
        },
    )
    assert response["Location"] == base + "declaration/"

    # Declaration: the German text beside the binding Russian one.
    page = client.get(base + "declaration/").content.decode()
    assert 'lang="ru"' in page
    assert "Ich erkläre" in page
    response = client.post(
        base + "declaration/", {"agree": "on", "full_name": "Anna Maria Schmidt"}
    )
    assert response["Location"] == base + "documents/"

    # Documents: two uploads, each with a receipt.
    for kind in ("passport_scan", "photo"):
        response = client.post(
            base + "documents/", {"kind": kind, f"{kind}-file": image_upload(f"{kind}.png")}
        )
        assert response.status_code == 302
    receipts = client.get(base + "documents/").content.decode()
    assert receipts.count('class="fingerprint"') == 2

    # Check and submit; a second click changes nothing.
    assert "Anna Maria Schmidt" in client.get(base + "check/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(base + "check/")
        second = client.post(base + "check/")
    assert first["Location"] == second["Location"] == base + "submitted/"
    case.refresh_from_db()
    assert case.status == "visa_submitted"
    confirmation = client.get(base + "submitted/").content.decode()
    assert case.reference in confirmation
    (email,) = mail.outbox
    subject = str(email.subject)
    assert str(case.reference) in subject
    assert "Antrag" in subject or "Application" in subject
    status = client.get(base + "status/")
    assert status.status_code == 200
    # Submitted: the sections can no longer be changed.
    assert client.get(base + "about-you/").status_code == 404


def test_a_wrong_mrz_is_explained_and_nothing_is_saved(signed_in) -> None:
    client, applicant = signed_in(Role.APPLICANT)
    client.post("/applications/start/shared-values/")
    case = Case.objects.get(applicant=applicant)
    broken = MRZ[1][:9] + ("0" if MRZ[1][9] != "0" else "1") + MRZ[1][10:]
    page = client.post(
        f"/applications/{case.public_id}/passport/",
        {"mrz_line1": MRZ[0], "mrz_line2": broken, "action": "save"},
    )
    assert page.status_code == 200
    assert 'class="error-summary"' in page.content.decode()
    assert case.people.get().passport.mrz_line2 == ""


def test_a_refused_file_is_explained_and_nothing_is_stored(signed_in) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, applicant = signed_in(Role.APPLICANT)
    client.post("/applications/start/shared-values/")
    case = Case.objects.get(applicant=applicant)
    page = client.post(
        f"/applications/{case.public_id}/documents/",
        {"kind": "photo", "photo-file": SimpleUploadedFile("photo.jpg", b"not a picture at all")},
    )
    assert page.status_code == 400
    assert 'class="error-summary"' in page.content.decode()
    assert not Document.objects.filter(case=case).exists()


def test_a_draft_over_the_limit_is_refused_with_a_message(signed_in, settings) -> None:
    settings.HAVEN_MAX_DRAFTS_PER_PROGRAMME = 1
    client, applicant = signed_in(Role.APPLICANT)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert client.post("/applications/start/shared-values/").status_code == 302
    page = client.post("/applications/start/shared-values/")
    assert page.status_code == 400
    html = page.content.decode()
    assert 'class="error-summary"' in html
    assert "so viele Entwürfe, wie eine Person haben darf" in html
    assert Case.objects.filter(applicant=applicant).count() == 1
