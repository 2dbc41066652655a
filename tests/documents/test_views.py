"""Downloading a document over HTTP, the upload form and the receipts include."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.casework import applicant_actions
from haven.documents.forms import DocumentUploadForm
from haven.documents.models import Document
from haven.documents.views import DOWNLOAD_CSP
from tests.cases.helpers import complete_draft
from tests.conftest import sign_in
from tests.documents import files
from tests.documents.conftest import upload_file

pytestmark = pytest.mark.django_db


def download_url(document) -> str:
    return reverse("documents:download", args=[document.public_id])


def fetch(client: Client, url: str) -> tuple[int, bytes, dict[str, str]]:
    response = client.get(url)
    # Reading the whole stream closes the file (the test client closes the response then).
    stream = getattr(response, "streaming_content", None)
    body = b"".join(stream) if stream is not None else response.content
    return response.status_code, body, dict(response.headers)


@pytest.fixture
def owner_client(applicant) -> Client:
    client = Client()
    sign_in(client, applicant)
    return client


def test_the_owner_downloads_the_stored_file_as_an_attachment(
    upload, owner_client: Client, media_root: Path
) -> None:
    document = upload(files.png(), name="<b>Anna</b>.png")
    status, body, headers = fetch(owner_client, download_url(document))
    assert status == 200
    assert body == (media_root / document.storage_name).read_bytes()
    received = timezone.localtime(document.received_at)
    assert headers["Content-Disposition"] == (
        f'attachment; filename="passport_scan-{received:%Y%m%d}.png"'
    )
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Length"] == str(document.size)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == DOWNLOAD_CSP == "sandbox; default-src 'none'"
    assert "no-store" in headers["Cache-Control"]
    assert "private" in headers["Cache-Control"]


def test_the_type_served_is_the_detected_one_not_the_uploaded_name(
    upload, owner_client: Client
) -> None:
    document = upload(files.png(), name="scan.pdf")
    _status, _body, headers = fetch(owner_client, download_url(document))
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"].endswith('.png"')


def test_every_download_is_recorded(upload, applicant, owner_client: Client) -> None:
    document = upload(files.pdf(), name="scan.pdf")
    for _ in range(2):
        assert fetch(owner_client, download_url(document))[0] == 200
    events = AuditEvent.objects.filter(event_type=EventType.DOCUMENT_VIEWED)
    assert events.count() == 2
    assert {(event.actor_id, event.subject_id) for event in events} == {
        (applicant.pk, str(document.pk))
    }
    assert [event.details for event in events] == [
        {"case": document.case_id, "kind": "passport_scan"}
    ] * 2


def _submitted_photo(applicant: User) -> Document:
    case = applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant))
    return Document.objects.get(case=case, kind="photo")


def test_a_consular_officer_downloads_it_and_it_is_recorded(applicant, signed_in) -> None:
    document = _submitted_photo(applicant)
    client, officer = signed_in(Role.CONSULAR_OFFICER)
    status, body, _headers = fetch(client, download_url(document))
    assert status == 200
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    event = AuditEvent.objects.get(event_type=EventType.DOCUMENT_VIEWED)
    assert (event.actor_id, event.actor_role) == (officer.pk, "consular_officer")


def test_an_official_whose_authority_does_not_handle_the_case_gets_not_found(
    applicant, upload, signed_in
) -> None:
    """A visa-stage case is the consulate's: the migration authority cannot open its files."""
    document = _submitted_photo(applicant)
    client, _officer = signed_in(Role.MIGRATION_OFFICER)
    assert fetch(client, download_url(document))[0] == 404
    assert not AuditEvent.objects.filter(event_type=EventType.DOCUMENT_VIEWED).exists()


def test_no_official_opens_a_draft_s_documents(upload, signed_in) -> None:
    document = upload(files.png())
    for role in (Role.CONSULAR_OFFICER, Role.MIGRATION_OFFICER):
        client, _officer = signed_in(role)
        assert fetch(client, download_url(document))[0] == 404


def test_anonymous_visitors_are_sent_to_sign_in(upload) -> None:
    document = upload(files.png())
    response = Client().get(download_url(document))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not AuditEvent.objects.filter(event_type=EventType.DOCUMENT_VIEWED).exists()


def test_a_removed_document_is_not_found(
    upload, applicant, owner_client: Client, django_capture_on_commit_callbacks
) -> None:
    from haven.documents.actions import document_remove

    document = upload(files.png())
    with django_capture_on_commit_callbacks(execute=True):
        document_remove(actor=applicant, document=document)
    assert fetch(owner_client, download_url(document))[0] == 404


def test_an_unknown_document_is_not_found(owner_client: Client) -> None:
    url = reverse("documents:download", args=["6f1c3c0e-0000-4000-8000-000000000000"])
    assert fetch(owner_client, url)[0] == 404


def test_a_document_whose_file_is_missing_is_not_found_and_not_recorded(
    upload, owner_client: Client, media_root: Path
) -> None:
    document = upload(files.png())
    (media_root / document.storage_name).unlink()
    assert fetch(owner_client, download_url(document))[0] == 404
    assert not AuditEvent.objects.filter(event_type=EventType.DOCUMENT_VIEWED).exists()


def test_download_answers_get_only(upload, owner_client: Client) -> None:
    document = upload(files.png())
    assert owner_client.post(download_url(document)).status_code == 405


# The form the wizard uses


def test_the_form_explains_types_and_limits_in_the_readers_way() -> None:
    form = DocumentUploadForm()
    help_text = str(form.fields["file"].help_text)
    assert help_text == (
        "A JPEG, PNG or PDF file, up to 10.0\xa0MB. A PDF may have at most 20 pages."
    )
    html = str(form["file"])
    assert 'type="file"' in html
    assert "accept=" in html


@override_settings(HAVEN_UPLOAD_MAX_BYTES=512 * 1024, HAVEN_UPLOAD_MAX_PDF_PAGES=1)
def test_the_form_follows_the_settings() -> None:
    help_text = str(DocumentUploadForm().fields["file"].help_text)
    assert "512.0\xa0KB" in help_text
    assert "at most 1 page." in help_text


def test_the_form_needs_a_file_and_leaves_its_content_to_the_action() -> None:
    assert not DocumentUploadForm(data={}, files={}).is_valid()
    form = DocumentUploadForm(data={}, files={"file": upload_file("a.txt", b"not checked here")})
    assert form.is_valid()


# The receipts include


def render_receipts(**context) -> str:
    request = RequestFactory().get("/")
    return render_to_string("documents/includes/receipts.html", context, request=request)


def test_receipts_show_name_size_fingerprint_time_and_a_download_link(upload) -> None:
    document = upload(files.png(), name="<img src=x onerror=alert(1)>.png")
    html = render_receipts(documents=[document])
    assert "&lt;img src=x onerror=alert(1)&gt;.png" in html
    assert "<img src=x" not in html
    assert f'<code class="fingerprint">{document.sha256}</code>' in html
    assert download_url(document) in html
    assert f"<dd>{filesizeformat(document.size)}</dd>" in html
    assert f'<time datetime="{timezone.localtime(document.received_at).isoformat()}">' in html
    assert 'name="remove"' not in html


def test_receipts_offer_removal_when_asked(upload, draft_case) -> None:
    document = upload(files.png())
    html = render_receipts(documents=[document], remove_url_name="cases:documents", case=draft_case)
    assert f'action="{reverse("cases:documents", args=[draft_case.public_id])}"' in html
    assert f'name="remove" value="{document.public_id}"' in html
    assert "csrfmiddlewaretoken" in html


def test_no_receipts_says_so() -> None:
    assert "No files received yet." in render_receipts(documents=[])
