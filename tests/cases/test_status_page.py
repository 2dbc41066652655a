"""The applicant's status page and the page that answers a request for information."""

from __future__ import annotations

import types
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import formats, timezone, translation

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case, InformationRequest
from haven.casework import applicant_actions
from haven.casework.applicant_actions import ANSWER_MAX_FILES
from haven.documents.models import Document
from haven.documents.validation import UploadRefused
from tests.cases.applicant_helpers import refuse, reload, request_information, submitted_case
from tests.cases.helpers import image_upload
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture
def applicant(make_user: Callable[..., User]) -> User:
    return make_user(Role.APPLICANT)


@pytest.fixture
def client(applicant: User) -> Client:
    client = Client()
    sign_in(client, applicant)
    return client


def page(client: Client, case: Case, path: str = "status/") -> str:
    response = client.get(f"/applications/{case.public_id}/{path}")
    assert response.status_code == 200
    return response.content.decode()


def shown(day) -> str:
    return str(formats.date_format(day, "DATE_FORMAT"))


def not_a_file(name: str = "notes.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"just some text, not a scan", content_type="text/plain")


# The status page ---------------------------------------------------------------------------


def test_it_shows_the_status_the_authority_and_the_deadline_with_its_law(
    client: Client, applicant: User
) -> None:
    case = submitted_case(applicant)
    html = page(client, case)
    assert 'class="tag tag--submitted"' in html
    assert "An embassy or consulate of the Russian Federation" in html
    assert "The visa lets you enter the Russian Federation." in html
    assert case.deadline is not None
    assert shown(case.deadline) in html
    assert (
        f"Decision on the visa within 20 days, counted from {shown(timezone.localdate())}." in html
    )
    assert "Consular practice of the Ministry of Foreign Affairs" in html  # the act cited
    assert "Haven’s reading of unclear law" in html  # the decree sets no term: said so
    assert "Overdue" not in html


def test_it_shows_the_expected_date_or_why_there_is_none(
    client: Client, applicant: User, consul: User, make_user: Callable[..., User]
) -> None:
    case = submitted_case(applicant)
    html = page(client, case)
    assert "We cannot estimate yet: no decisions in the last four weeks." in html
    refuse(submitted_case(make_user(Role.APPLICANT)), consul)
    html = page(client, case)
    expected = timezone.localdate() + timedelta(days=28)  # first in the queue, 1 decision
    assert shown(expected) in html
    assert "You are number 1 in the queue." in html
    assert "This is later than the decision deadline" in html  # 28 days > 20 days


def test_an_open_request_is_a_banner_leading_to_the_answer_page(
    client: Client, applicant: User, consul: User
) -> None:
    case = submitted_case(applicant)
    request = request_information(case, consul)
    html = page(client, case)
    assert 'class="notification-banner"' in html
    assert f'href="/applications/{case.public_id}/answer/"' in html
    assert shown(request.due_on) in html
    assert 'class="tag tag--info_requested"' in html


def test_the_timeline_is_newest_first_with_the_details(
    client: Client, applicant: User, consul: User
) -> None:
    case = submitted_case(applicant)
    request = request_information(case, consul)
    html = page(client, case)
    history = html[html.index('<ol class="timeline">') :]
    positions = [
        history.index(label)
        for label in ("Information requested", "Review started", "Application submitted")
    ]
    assert positions == sorted(positions)
    assert f"Answer due by {shown(request.due_on)}." in history
    assert "Officer assigned" not in history  # internal entries stay internal


def test_the_page_reads_in_the_readers_language(
    client: Client, applicant: User, consul: User
) -> None:
    case = submitted_case(applicant)
    request_information(case, consul)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    html = page(client, case)
    assert "Einreisevisum" in html  # the stage
    assert "Informationen angefordert" in html  # the timeline's labels
    assert "Antrag eingereicht" in html
    assert case.deadline is not None
    with translation.override("de"):
        assert str(formats.date_format(case.deadline, "DATE_FORMAT")) in html


def test_after_a_decision_the_letter_is_listed_and_no_deadline_is_shown(
    client: Client, applicant: User, consul: User
) -> None:
    case = submitted_case(applicant)
    decision = refuse(case, consul)
    html = page(client, case)
    assert "<h2>Letters</h2>" in html
    assert f"/applications/{case.public_id}/decisions/{decision.public_id}/letter.pdf" in html
    assert "Decision deadline" not in html
    assert "Expected decision" not in html
    assert "The decision letter is under" in html  # the timeline's refusal entry


def test_a_passed_deadline_without_a_decision_says_overdue(
    client: Client, applicant: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = submitted_case(applicant)
    assert case.deadline is not None
    later = case.deadline + timedelta(days=1)
    from haven.applicant_web import views

    monkeypatch.setattr(views, "timezone", types.SimpleNamespace(localdate=lambda: later))
    html = page(client, case)
    assert f"Overdue: the decision was due on {shown(case.deadline)}" in html


# Answering a request for information -------------------------------------------------------


def answer_url(case: Case) -> str:
    return f"/applications/{case.public_id}/answer/"


def test_the_answer_page_shows_the_officials_message_and_the_due_date(
    client: Client, applicant: User, consul: User
) -> None:
    case = submitted_case(applicant)
    request = request_information(case, consul, message="Send a clearer scan <please>.")
    html = page(client, case, "answer/")
    assert "Send a clearer scan &lt;please&gt;." in html
    assert shown(request.due_on) in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_without_an_open_request_the_answer_page_leads_back_to_the_status(
    client: Client, applicant: User
) -> None:
    case = submitted_case(applicant)
    response = client.get(answer_url(case))
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{case.public_id}/status/"


def test_an_answer_with_files_goes_back_to_review(
    client: Client, applicant: User, consul: User, media_root: Path
) -> None:
    case = submitted_case(applicant)
    request = request_information(case, consul)
    before = len(stored_files(media_root))
    response = client.post(
        answer_url(case),
        {
            "answer": "Here is a clearer scan.",
            "attachments": [image_upload("scan-1.png"), image_upload("scan-2.png", "red")],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{case.public_id}/status/"
    assert reload(case).status == "visa_in_review"
    request.refresh_from_db()
    assert (request.answer, request.answered_by) == ("Here is a clearer scan.", applicant)
    added = Document.objects.filter(case=case, kind="additional").order_by("pk")
    assert [d.original_name for d in added] == ["scan-1.png", "scan-2.png"]
    assert len(stored_files(media_root)) == before + 2
    provided = AuditEvent.objects.get(event_type=EventType.INFORMATION_PROVIDED)
    assert provided.details == {"request": str(request.public_id), "documents": 2}
    html = page(client, case)
    assert "You sent 2 files." in html


def test_an_answer_without_files_is_fine(client: Client, applicant: User, consul: User) -> None:
    case = submitted_case(applicant)
    request_information(case, consul)
    response = client.post(answer_url(case), {"answer": "My address changed last month."})
    assert response.status_code == 302
    assert reload(case).status == "visa_in_review"


def snapshot(case: Case) -> tuple:
    case = reload(case)
    return (
        case.status,
        case.version,
        InformationRequest.objects.filter(case=case, answered_at__isnull=True).count(),
        Document.objects.filter(case=case).count(),
        AuditEvent.objects.filter(
            event_type__in=[EventType.INFORMATION_PROVIDED, EventType.DOCUMENT_UPLOADED]
        ).count(),
    )


def test_an_empty_answer_is_explained_and_changes_nothing(
    client: Client, applicant: User, consul: User
) -> None:
    case = submitted_case(applicant)
    request_information(case, consul)
    before = snapshot(case)
    response = client.post(answer_url(case), {"answer": "   "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "Write your answer to the request." in html
    assert snapshot(case) == before


def test_one_refused_file_saves_nothing_and_keeps_the_typed_answer(
    client: Client, applicant: User, consul: User, media_root: Path
) -> None:
    case = submitted_case(applicant)
    request_information(case, consul)
    before, files_before = snapshot(case), stored_files(media_root)
    response = client.post(
        answer_url(case),
        {
            "answer": "Here is the scan and my notes.",
            "attachments": [image_upload("scan.png"), not_a_file("notes.txt")],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "notes.txt: This file is not a JPEG, PNG or PDF file." in html
    assert "Here is the scan and my notes.</textarea>" in html
    assert "files have to be chosen again" in html
    assert snapshot(case) == before
    assert stored_files(media_root) == files_before


def test_too_many_files_are_refused(client: Client, applicant: User, consul: User) -> None:
    case = submitted_case(applicant)
    request_information(case, consul)
    before = snapshot(case)
    files = [image_upload(f"scan-{n}.png") for n in range(ANSWER_MAX_FILES + 1)]
    response = client.post(answer_url(case), {"answer": "Scans.", "attachments": files})
    assert response.status_code == 400
    assert f"Choose at most {ANSWER_MAX_FILES} files." in response.content.decode()
    assert snapshot(case) == before


# Who may answer ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.CONSULAR_OFFICER])
def test_nobody_else_sees_or_answers_the_request(
    applicant: User, consul: User, make_user: Callable[..., User], role: Role
) -> None:
    case = submitted_case(applicant)
    request_information(case, consul)
    before = snapshot(case)
    intruder = Client()
    sign_in(intruder, make_user(role))
    assert intruder.get(answer_url(case)).status_code in (403, 404)
    response = intruder.post(
        answer_url(case), {"answer": "Not mine.", "attachments": [image_upload()]}
    )
    assert response.status_code in (403, 404)
    if role == Role.APPLICANT:
        assert response.status_code == 404  # as for a case that does not exist
    assert snapshot(case) == before


def test_the_action_refuses_anyone_but_the_owner(
    applicant: User, consul: User, make_user: Callable[..., User]
) -> None:
    case = submitted_case(applicant)
    request_information(case, consul)
    before = snapshot(case)
    with pytest.raises(CaseError) as error:
        applicant_actions.case_answer_information(
            applicant=make_user(Role.APPLICANT), case=reload(case), answer="Not mine."
        )
    assert error.value.code == CaseErrorCode.NOT_PERMITTED
    assert snapshot(case) == before


def test_the_action_checks_every_file_before_storing_any(
    applicant: User, consul: User, media_root: Path
) -> None:
    case = submitted_case(applicant)
    request_information(case, consul)
    before, files_before = snapshot(case), stored_files(media_root)
    with pytest.raises(UploadRefused) as refusal:
        applicant_actions.case_answer_information(
            applicant=applicant,
            case=reload(case),
            answer="Scans.",
            files=[image_upload("good.png"), not_a_file("bad.txt")],
        )
    assert refusal.value.file_name == "bad.txt"
    assert snapshot(case) == before
    assert stored_files(media_root) == files_before


def test_a_failure_after_storing_deletes_the_stored_files(
    applicant: User, consul: User, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = submitted_case(applicant)
    request_information(case, consul)
    before, files_before = snapshot(case), stored_files(media_root)

    def fail(*args, **kwargs):
        raise RuntimeError("forced failure")

    monkeypatch.setattr(applicant_actions, "record_change", fail)
    with pytest.raises(RuntimeError):
        applicant_actions.case_answer_information(
            applicant=applicant, case=reload(case), answer="Scans.", files=[image_upload()]
        )
    assert snapshot(case) == before
    assert stored_files(media_root) == files_before


def test_an_answer_needs_an_open_request(applicant: User) -> None:
    case = submitted_case(applicant)
    with pytest.raises(CaseError) as error:
        applicant_actions.case_answer_information(applicant=applicant, case=case, answer="Hello.")
    assert error.value.code == CaseErrorCode.NO_OPEN_REQUEST
    with pytest.raises(CaseError) as error:
        applicant_actions.case_answer_information(applicant=applicant, case=case, answer="  ")
    assert error.value.code == CaseErrorCode.ANSWER_REQUIRED
