"""The official's case page and its actions, through HTTP: sections, confirm pages, who may."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent, EventType
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case, CaseEvent, CaseNote, Decision, DocumentCheck
from haven.cases.selectors import access_case_for_officer
from haven.casework import applicant_actions, official_actions
from haven.issuance.models import IssuedDocument
from haven.rules.selectors import programme_get
from tests.cases.helpers import PASSPORT, PERSON, complete_draft, image_upload
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db(transaction=False)

MakeUser = Callable[..., User]
ACTIONS = ("start-review", "request-information", "approve", "refuse", "record-entry")


# Cases made through the real actions --------------------------------------------------------


def submit(
    make_user: MakeUser,
    *,
    person: dict[str, Any] | None = None,
    passport: dict[str, Any] | None = None,
    extra_photos: int = 0,
) -> Case:
    from haven.documents.actions import document_upload

    applicant = make_user(Role.APPLICANT)
    case = complete_draft(applicant)
    if person:
        applicant_actions.case_update_person(actor=applicant, case=case, data={**PERSON, **person})
    if passport:
        applicant_actions.case_update_passport(
            actor=applicant, case=case, data={**PASSPORT, **passport}
        )
    for number in range(extra_photos):
        document_upload(
            actor=applicant,
            case=case,
            kind="photo",
            uploaded_file=image_upload(f"extra-{number}.png", colour="teal"),
            allowed_kinds=("passport_scan", "photo"),
        )
    return applicant_actions.case_submit(actor=applicant, case=case)


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def in_review(case: Case, consul: User) -> Case:
    return official_actions.case_start_review(officer=consul, case=case)


def granted_visa(case: Case, consul: User) -> Case:
    case = in_review(case, consul)
    official_actions.case_approve(officer=consul, case=case, version=case.version)
    return reload(case)


def in_trp_review(case: Case, consul: User, migration: User) -> Case:
    case = granted_visa(case, consul)
    case = official_actions.case_record_entry(
        actor=consul, case=case, entered_on=timezone.localdate(), source="officer"
    )
    return official_actions.case_start_review(officer=migration, case=case)


def case_url(case: Case, action: str = "") -> str:
    return f"/work/case/{case.public_id}/" + (f"{action}/" if action else "")


def page_of(client: Client, case: Case, language: str = "") -> str:
    headers = {"Accept-Language": language} if language else {}
    response = client.get(case_url(case), headers=headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def section(html: str, anchor: str) -> str:
    """The HTML of one section of the case page."""
    match = re.search(rf'<section id="{anchor}".*?</section>', html, re.S)
    assert match, anchor
    return match.group(0)


def messages_of(response: Any) -> list[str]:
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    return [text for text in shown if not text.startswith("Successfully signed in")]


def applicant_timeline(case: Case) -> str:
    client = signed_in_client(case.applicant)
    response = client.get(f"/applications/{case.public_id}/status/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def submitted(make_user: MakeUser) -> Case:
    return submit(make_user)


# The header ---------------------------------------------------------------------------------


def test_the_header_shows_reference_status_stage_deadline_and_assignee(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    html = page_of(consul_client, submitted)
    header = re.search(r'<header class="case-header">.*?</header>', html, re.S)
    assert header
    text = header.group(0)
    assert f"Case {submitted.reference}" in text
    assert 'class="tag tag--submitted">Submitted<' in text
    assert "Entry visa" in text
    assert f'datetime="{submitted.deadline:%Y-%m-%d}"' in text
    assert "Nobody" in text
    assert "Assign to me" in text
    assert "Overdue" not in text
    official_actions.case_assign(officer=consul, case=submitted, assignee=consul)
    text = page_of(consul_client, submitted)
    assert "<strong>You</strong>" in text
    assert "Unassign" in text


def test_an_overdue_case_says_by_how_many_days_in_words_and_with_an_icon(
    submitted: Case, consul_client: Client
) -> None:
    Case.objects.filter(pk=submitted.pk).update(deadline=timezone.localdate() - timedelta(days=3))
    html = page_of(consul_client, submitted)
    assert "Overdue by 3 days" in html
    assert 'class="icon-warning" aria-hidden="true">!</span>' in html


def test_assign_to_me_and_unassign_from_the_case_page_come_back_to_it(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    html = page_of(consul_client, submitted)
    form = re.search(
        r'<form method="post" action="(/work/case/[^"]+/assign/)">.*?</form>', html, re.S
    )
    assert form
    version = re.search(r'name="version" value="(\d+)"', form.group(0))
    assert version
    response = consul_client.post(
        form.group(1), {"version": version.group(1), "next": case_url(submitted)}
    )
    assert response["Location"] == case_url(submitted)
    assert reload(submitted).assignee == consul
    response = consul_client.post(
        case_url(submitted, "unassign"),
        {"version": str(reload(submitted).version), "next": case_url(submitted)},
    )
    assert response["Location"] == case_url(submitted)
    assert reload(submitted).assignee is None


# Applicant and MRZ ------------------------------------------------------------------------------


def test_the_applicant_section_shows_every_field_and_the_passport(
    make_user: MakeUser, consul_client: Client
) -> None:
    case = submit(
        make_user,
        person={
            "native_surname": "Шмидт",
            "native_given_names": "Анна Мария",
            "citizenships": ["DE", "AT"],
        },
    )
    html = section(page_of(consul_client, case), "applicant")
    for shown in (
        "Schmidt",
        "Anna Maria",
        "Шмидт",
        "Анна Мария",
        "March 21, 1985",
        "Leipzig",
        "Female",
        "Germany, Austria",
        "Hauptstraße 1<br>04109 Leipzig",
        "+49 341 1234567",
        "anna@example.org",
        "C01X00T47",
        "June 1, 2023",
        "May 31, 2033",
        str(PASSPORT["mrz_line1"]).replace("<", "&lt;"),
        str(PASSPORT["mrz_line2"]).replace("<", "&lt;"),
    ):
        assert shown in html, shown


def test_country_names_are_in_the_readers_language(submitted: Case, consul_client: Client) -> None:
    html = section(page_of(consul_client, submitted, language="de"), "applicant")
    assert "Deutschland" in html


def test_a_valid_zone_that_agrees_with_the_typed_data_is_valid(
    submitted: Case, consul_client: Client
) -> None:
    html = section(page_of(consul_client, submitted), "mrz")
    assert 'tag--valid">Valid<' in html
    assert "Problems found" not in html


def test_zone_errors_and_mismatches_are_named_in_words(
    make_user: MakeUser, consul_client: Client
) -> None:
    line2 = str(PASSPORT["mrz_line2"])
    broken = line2[:19] + str((int(line2[19]) + 1) % 10) + line2[20:]  # birth date check digit
    case = submit(make_user, person={"surname": "Schmitt"}, passport={"mrz_line2": broken})
    html = section(page_of(consul_client, case), "mrz")
    assert 'tag--invalid">Problems found<' in html
    assert (
        'data-code="BIRTH_DATE_CHECK_DIGIT">date of birth: its check digit does not match' in html
    )
    mismatch = re.search(r'<tr data-code="SURNAME_MISMATCH">.*?</tr>', html, re.S)
    assert mismatch
    assert "surname: differs from what the applicant typed" in mismatch.group(0)
    assert "<code>SCHMIDT</code>" in mismatch.group(0)
    assert "Schmitt" in mismatch.group(0)


def test_any_citizenship_may_match_the_zones_nationality(
    make_user: MakeUser, consul_client: Client
) -> None:
    case = submit(make_user, person={"citizenships": ["AT", "DE"]})
    assert 'tag--valid">Valid<' in section(page_of(consul_client, case), "mrz")
    other = submit(make_user, person={"citizenships": ["AT"]})
    html = section(page_of(consul_client, other), "mrz")
    assert "nationality: is none of the citizenships the applicant gave" in html


# Documents ----------------------------------------------------------------------------------


def test_documents_show_name_size_fingerprint_and_time_and_download_audited(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    from haven.documents.models import Document

    html = section(page_of(consul_client, submitted), "documents")
    documents = list(Document.objects.filter(case=submitted).order_by("received_at", "pk"))
    assert len(documents) == 2
    for document in documents:
        assert document.kind_label in html
        assert document.original_name in html
        assert document.sha256 in html
        assert f'href="/documents/{document.public_id}/"' in html
    assert "Passport: the page with your photo" in html
    response = consul_client.get(f"/documents/{documents[0].public_id}/")
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(event_type=EventType.DOCUMENT_VIEWED)
    assert (event.actor_id, event.subject_id) == (consul.pk, str(documents[0].pk))


# Rules --------------------------------------------------------------------------------------


def test_the_rules_result_at_submission_with_reasons_law_and_parameters(
    submitted: Case, consul_client: Client
) -> None:
    html = section(page_of(consul_client, submitted), "rules")
    assert 'data-outcome="eligible"' in html
    assert 'data-reason="NATIONALITY_LISTED"' in html
    assert "Citizenship of a designated state: Germany." in html
    assert "Government Order No. 2560-r" in html
    assert 'data-parameter="designated_states"' in html
    assert "The rules in force today give the same result." in html
    assert "different result" not in html


def test_todays_rules_are_shown_only_where_they_differ_and_the_submissions_apply(
    submitted: Case, consul_client: Client, make_user: MakeUser
) -> None:
    from haven.rules.actions import amendment_record
    from haven.rules.amendments import Operation

    amendment_record(
        actor=make_user(Role.POLICY_ADMIN),
        programme_id="shared-values",
        parameter="designated_states",
        operation=Operation.REMOVE_COUNTRY,
        country="DE",
        effective_from=timezone.localdate(),
        act="Government Order No. 1-r (test)",
    )
    html = section(page_of(consul_client, submitted), "rules")
    assert "The rules in force today give a different result." in html
    assert "The result at submission applies" in html
    assert html.count('data-outcome="eligible"') == 1
    assert html.count('data-outcome="ineligible"') == 1
    assert 'data-reason="NATIONALITY_NOT_LISTED"' in html


# Possible duplicates ------------------------------------------------------------------------


def test_possible_duplicates_with_score_reasons_and_a_link(
    make_user: MakeUser, consul_client: Client
) -> None:
    first = submit(make_user)
    second = submit(make_user)
    complete_draft(make_user(Role.APPLICANT))  # a draft of the same person: never shown
    html = section(page_of(consul_client, second), "duplicates")
    assert "never merged automatically" in html
    assert f'<a href="/work/case/{first.public_id}/">{first.reference}</a>' in html
    assert "<strong>100</strong>" in html
    assert "same date of birth" in html
    assert "same passport number (C01X00T47)" in html
    assert html.count("<tr>") == 2  # the header and the one submitted candidate


def test_a_duplicate_the_official_may_not_open_is_shown_without_a_link(
    make_user: MakeUser, consul: User, migration: User, migration_client: Client
) -> None:
    at_visa = submit(make_user)
    at_permit = in_trp_review(submit(make_user), consul, migration)
    html = section(page_of(migration_client, at_permit), "duplicates")
    assert str(at_visa.reference) in html
    assert f'href="/work/case/{at_visa.public_id}/"' not in html
    assert "handled by another authority" in html


def test_no_duplicates_says_so(submitted: Case, consul_client: Client) -> None:
    assert "No possible duplicates were found." in section(
        page_of(consul_client, submitted), "duplicates"
    )


# History, decisions, requests ------------------------------------------------------------


def test_history_lists_every_event_newest_first_with_internal_ones_marked(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    official_actions.case_assign(officer=consul, case=submitted, assignee=consul)
    case = in_review(submitted, consul)
    html = section(page_of(consul_client, case), "history")
    events = re.findall(r'<li data-event="([A-Z_]+)">', html)
    assert events == ["REVIEW_STARTED", "ASSIGNED", "SUBMITTED", "DRAFT_STARTED"]
    assigned = re.search(r'<li data-event="ASSIGNED">.*?</li>', html, re.S)
    assert assigned
    assert "internal" in assigned.group(0)
    assert consul.email in assigned.group(0)
    submitted_entry = re.search(r'<li data-event="SUBMITTED">.*?</li>', html, re.S)
    assert submitted_entry
    assert "internal" not in submitted_entry.group(0)
    assert "The applicant" in submitted_entry.group(0)


def test_history_shows_decisions_with_grounds_and_requests_with_answers(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    case = in_review(submitted, consul)
    official_actions.case_request_information(
        officer=consul,
        case=case,
        version=case.version,
        message="Send a clearer passport scan.",
        due_on=timezone.localdate() + timedelta(days=7),
    )
    applicant_actions.case_answer_information(
        applicant=case.applicant, case=reload(case), answer="Here it is."
    )
    case = reload(case)
    official_actions.case_refuse(
        officer=consul,
        case=case,
        version=case.version,
        grounds=["documents_false"],
        explanation="The scan does not match the passport data.",
    )
    html = section(page_of(consul_client, case), "history")
    assert "Entry visa: Refused" in html
    assert "The application contains false information or forged documents." in html
    assert "art. 26 para. 1" in html
    assert "The scan does not match the passport data." in html
    assert "Send a clearer passport scan." in html
    assert "Here it is." in html


# Notes --------------------------------------------------------------------------------------


def test_an_official_adds_an_internal_note_the_applicant_never_sees(
    submitted: Case, consul_client: Client
) -> None:
    response = consul_client.post(case_url(submitted, "notes"), {"text": "Call the consulate."})
    assert response.status_code == 302
    assert response["Location"] == case_url(submitted) + "#notes"
    assert CaseNote.objects.get(case=submitted).text == "Call the consulate."
    assert "Call the consulate." in section(page_of(consul_client, submitted), "notes")
    assert "Call the consulate." not in applicant_timeline(submitted)


def test_an_empty_note_is_an_error_in_the_summary_and_beside_the_field(
    submitted: Case, consul_client: Client
) -> None:
    response = consul_client.post(case_url(submitted, "notes"), {"text": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert html.count("Write the note first.") == 2
    assert not CaseNote.objects.exists()


# Issued documents --------------------------------------------------------------------------


def test_issued_documents_show_number_validity_entries_and_mrz(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    case = granted_visa(submitted, consul)
    visa = IssuedDocument.objects.get(case=case)
    html = section(page_of(consul_client, case), "issued")
    assert visa.number in html
    assert "Single entry" in html
    assert visa.mrz_line1.replace("<", "&lt;") in html
    assert visa.mrz_line2.replace("<", "&lt;") in html
    assert f'href="/issued/{visa.public_id}/pdf/"' in html


# Actions ----------------------------------------------------------------------------------


def shown_actions(html: str) -> list[str]:
    return re.findall(r'data-action="([a-z_]+)"', html)


def test_only_the_actions_allowed_now_are_offered(
    submitted: Case, consul: User, consul_client: Client, migration_client: Client
) -> None:
    assert shown_actions(page_of(consul_client, submitted)) == ["start_review"]
    case = in_review(submitted, consul)
    assert shown_actions(page_of(consul_client, case)) == [
        "request_information",
        "approve",
        "refuse",
    ]
    official_actions.case_approve(officer=consul, case=case, version=case.version)
    case = reload(case)
    assert shown_actions(page_of(consul_client, case)) == ["record_entry"]
    case = official_actions.case_record_entry(
        actor=consul, case=case, entered_on=timezone.localdate(), source="officer"
    )
    html = page_of(consul_client, case)  # decided the visa: may read, not act
    assert shown_actions(html) == []
    assert "Another authority handles this case now." in html
    assert shown_actions(page_of(migration_client, case)) == ["start_review"]


def test_a_confirm_page_for_an_action_not_allowed_now_leads_back(
    submitted: Case, consul_client: Client
) -> None:
    response = consul_client.get(case_url(submitted, "refuse"))
    assert response["Location"] == case_url(submitted)
    assert messages_of(response) == ["This cannot be done at the application's current stage."]


def test_start_review_confirm_then_perform(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    response = consul_client.get(case_url(submitted, "start-review"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "What will happen" in html
    assert "Who will see it" in html
    assert f'name="version" value="{submitted.version}"' in html
    assert reload(submitted).status == "visa_submitted"  # GET changes nothing
    response = consul_client.post(
        case_url(submitted, "start-review"), {"version": submitted.version}
    )
    assert response["Location"] == case_url(submitted)
    case = reload(submitted)
    assert (case.status, case.assignee) == ("visa_in_review", consul)
    assert "Review started" in applicant_timeline(case)


def test_request_information_confirm_then_perform(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    case = in_review(submitted, consul)
    html = consul_client.get(case_url(case, "request-information")).content.decode()
    due = timezone.localdate() + timedelta(days=14)
    assert f'value="{due:%Y-%m-%d}"' in html
    assert "gets an email" in html
    response = consul_client.post(
        case_url(case, "request-information"),
        {"version": case.version, "message": "Send a clearer scan.", "due_on": f"{due:%Y-%m-%d}"},
    )
    assert response["Location"] == case_url(case)
    case = reload(case)
    assert case.status == "visa_info_requested"
    assert case.information_requests.get().due_on == due
    assert "Information requested" in applicant_timeline(case)


def test_a_case_error_is_shown_in_the_summary_and_beside_its_field(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    case = in_review(submitted, consul)
    response = consul_client.post(
        case_url(case, "request-information"),
        {
            "version": case.version,
            "message": "Send a clearer scan.",
            "due_on": f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    message = "Choose a date from today up to one year ahead."
    assert html.count(message) == 2
    assert '<a href="#id_due_on">' in html
    assert reload(case).status == "visa_in_review"


def test_approve_a_visa_confirm_then_perform(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    case = in_review(submitted, consul)
    html = consul_client.get(case_url(case, "approve")).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html  # valid from: today
    assert 'name="region"' not in html
    response = consul_client.post(
        case_url(case, "approve"),
        {"version": case.version, "valid_from": f"{timezone.localdate():%Y-%m-%d}"},
    )
    assert response["Location"] == case_url(case)
    case = reload(case)
    assert case.status == "visa_granted"
    assert Decision.objects.get(case=case).decided_by == consul
    assert IssuedDocument.objects.filter(case=case, kind="visa").count() == 1
    timeline = applicant_timeline(case)
    assert "Approved" in timeline
    assert "Document issued" in timeline


def test_refuse_lists_the_grounds_in_force_and_needs_grounds_and_words(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    case = in_review(submitted, consul)
    html = consul_client.get(case_url(case, "refuse")).content.decode()
    assert "No refusal is automatic: you are the deciding official" in html
    assert "The application contains false information or forged documents." in html
    assert "art. 26 para. 1" in html
    response = consul_client.post(case_url(case, "refuse"), {"version": case.version})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at least one ground for the refusal." in html
    assert "Explain the decision in your own words" in html
    assert reload(case).status == "visa_in_review"
    response = consul_client.post(
        case_url(case, "refuse"),
        {
            "version": case.version,
            "grounds": ["documents_false", "security"],
            "explanation": "The scan does not match.",
        },
    )
    assert response["Location"] == case_url(case)
    decision = Decision.objects.get(case=case)
    assert [ground["code"] for ground in decision.grounds] == ["documents_false", "security"]
    assert reload(case).status == "visa_refused"
    assert "Refused" in applicant_timeline(case)


def test_the_grounds_read_in_the_officials_language(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    case = in_review(submitted, consul)
    html = consul_client.get(case_url(case, "refuse"), HTTP_ACCEPT_LANGUAGE="de").content
    assert "Der Antrag enthält falsche Angaben oder gefälschte Dokumente." in html.decode()


def test_record_entry_confirm_then_perform(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    case = granted_visa(submitted, consul)
    html = consul_client.get(case_url(case, "record-entry")).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html
    assert "Temporary residence permit" in html
    response = consul_client.post(
        case_url(case, "record-entry"),
        {"version": case.version, "entered_on": f"{timezone.localdate():%Y-%m-%d}"},
    )
    assert response["Location"] == case_url(case)
    case = reload(case)
    assert (case.stage, case.status) == ("trp", "trp_submitted")
    assert IssuedDocument.objects.get(case=case).used_on == timezone.localdate()
    assert "Entry recorded" in applicant_timeline(case)


def test_the_permit_checklist_and_approval_with_a_region(
    submitted: Case, consul: User, migration: User, migration_client: Client
) -> None:
    case = in_trp_review(submitted, consul, migration)
    codes = official_actions.checklist_codes(
        programme_get("shared-values"), "trp", timezone.localdate()
    )
    html = section(page_of(migration_client, case), "checklist")
    assert "Receipt for the state fee" in html
    assert html.count("Tick as seen") == len(codes)
    response = migration_client.post(
        case_url(case, "approve"), {"version": reload(case).version, "region": "RU-MOW"}
    )
    assert response.status_code == 400
    assert "Tick every document of the checklist before approving." in response.content.decode()
    for code in codes:
        response = migration_client.post(
            case_url(case, "checklist"), {"code": code, "checked": "1"}
        )
        assert response["Location"] == case_url(case) + "#checklist"
    assert DocumentCheck.objects.filter(case=case).count() == len(codes)
    migration_client.post(case_url(case, "checklist"), {"code": codes[0], "checked": "0"})
    assert DocumentCheck.objects.filter(case=case).count() == len(codes) - 1
    migration_client.post(case_url(case, "checklist"), {"code": codes[0], "checked": "1"})
    html = migration_client.get(case_url(case, "approve")).content.decode()
    assert 'name="region"' in html
    assert '<option value="RU-MOW">Moskva</option>' in html
    assert 'name="valid_from"' not in html
    response = migration_client.post(
        case_url(case, "approve"), {"version": reload(case).version, "region": ""}
    )
    assert response.status_code == 400
    assert "Choose the region the permit is issued for." in response.content.decode()
    response = migration_client.post(
        case_url(case, "approve"), {"version": reload(case).version, "region": "RU-MOW"}
    )
    assert response["Location"] == case_url(case)
    case = reload(case)
    assert case.status == "trp_granted"
    assert IssuedDocument.objects.get(case=case, kind="trp").region == "RU-MOW"


def test_an_unknown_checklist_code_changes_nothing(
    submitted: Case, consul: User, migration: User, migration_client: Client
) -> None:
    case = in_trp_review(submitted, consul, migration)
    response = migration_client.post(
        case_url(case, "checklist"), {"code": "nonsense", "checked": "1"}
    )
    assert messages_of(response) == ["This document is not on the stage's checklist."]
    assert not DocumentCheck.objects.exists()


# Conflicts ----------------------------------------------------------------------------------


def test_two_decisions_on_the_same_version_one_wins_the_other_sees_the_conflict(
    submitted: Case, consul: User, consul_client: Client, make_user: MakeUser
) -> None:
    case = in_review(submitted, consul)
    colleague_client = signed_in_client(make_user(Role.CONSULAR_OFFICER))
    version = case.version
    today = f"{timezone.localdate():%Y-%m-%d}"
    first = consul_client.post(case_url(case, "approve"), {"version": version, "valid_from": today})
    assert first["Location"] == case_url(case)
    second = colleague_client.post(
        case_url(case, "refuse"),
        {"version": version, "grounds": ["security"], "explanation": "Because."},
    )
    assert second["Location"] == case_url(case)
    assert messages_of(second) == [
        "Someone else changed this case at the same time. Nothing was changed: "
        "look at the case again before you act."
    ]
    assert Decision.objects.filter(case=case).count() == 1
    assert reload(case).status == "visa_granted"
    followed = colleague_client.get(case_url(case))
    assert followed.status_code == 200


def test_a_stale_version_on_start_review_is_a_conflict(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    official_actions.case_assign(officer=consul, case=submitted, assignee=consul)  # version changes
    response = consul_client.post(
        case_url(submitted, "start-review"), {"version": submitted.version}
    )
    assert "Someone else changed this case" in messages_of(response)[0]
    assert reload(submitted).status == "visa_submitted"


def test_start_review_and_record_entry_take_the_version_seen(submitted: Case, consul: User) -> None:
    with pytest.raises(CaseError) as error:
        official_actions.case_start_review(
            officer=consul, case=submitted, version=submitted.version + 1
        )
    assert error.value.code == CaseErrorCode.CONFLICT
    case = granted_visa(submitted, consul)
    with pytest.raises(CaseError) as error:
        official_actions.case_record_entry(
            actor=consul,
            case=case,
            entered_on=timezone.localdate(),
            source="officer",
            version=case.version - 1,
        )
    assert error.value.code == CaseErrorCode.CONFLICT
    assert reload(case).status == "visa_granted"


# Audit and queries --------------------------------------------------------------------------


def test_each_view_of_the_case_page_is_audited(
    submitted: Case, consul: User, consul_client: Client
) -> None:
    page_of(consul_client, submitted)
    page_of(consul_client, submitted)
    views = AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED)
    assert views.count() == 2
    assert {(event.actor_id, event.subject_type, event.subject_id) for event in views} == {
        (consul.pk, "cases.case", str(submitted.pk))
    }


def _page_queries(client: Client, case: Case) -> int:
    with CaptureQueriesContext(connection) as queries:
        page_of(client, case)
    return len(queries.captured_queries)


def test_the_case_page_costs_the_same_queries_however_much_the_case_holds(
    make_user: MakeUser, consul: User, consul_client: Client
) -> None:
    small = in_review(submit(make_user), consul)
    official_actions.case_note_add(officer=consul, case=small, text="One note.")
    large = in_review(submit(make_user, extra_photos=4), consul)
    for number in range(8):
        official_actions.case_note_add(officer=consul, case=large, text=f"Note {number}.")
        large = official_actions.case_assign(officer=consul, case=large, assignee=consul)
        large = official_actions.case_unassign(officer=consul, case=large)
    for number in range(3):
        large = reload(large)
        official_actions.case_request_information(
            officer=consul,
            case=large,
            version=large.version,
            message=f"Question {number}",
            due_on=timezone.localdate() + timedelta(days=5),
        )
        applicant_actions.case_answer_information(
            applicant=large.applicant, case=reload(large), answer=f"Answer {number}"
        )
    page_of(consul_client, small)  # warm up the session and caches
    assert _page_queries(consul_client, small) == _page_queries(consul_client, reload(large))


# Who may ----------------------------------------------------------------------------------


def snapshot(case: Case) -> tuple[Any, ...]:
    case = reload(case)
    return (
        case.status,
        case.version,
        case.assignee_id,
        Decision.objects.filter(case=case).count(),
        CaseNote.objects.filter(case=case).count(),
        CaseEvent.objects.filter(case=case).count(),
        DocumentCheck.objects.filter(case=case).count(),
        AuditEvent.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).count(),
    )


def _every_request(case: Case) -> list[tuple[str, str, dict[str, Any]]]:
    today = f"{timezone.localdate():%Y-%m-%d}"
    posts: dict[str, dict[str, Any]] = {
        "start-review": {"version": case.version},
        "request-information": {"version": case.version, "message": "x", "due_on": today},
        "approve": {"version": case.version, "valid_from": today},
        "refuse": {"version": case.version, "grounds": ["security"], "explanation": "x"},
        "record-entry": {"version": case.version, "entered_on": today},
        "notes": {"text": "x"},
        "checklist": {"code": "fee_receipt", "checked": "1"},
    }
    requests: list[tuple[str, str, dict[str, Any]]] = [("get", case_url(case), {})]
    for action in ACTIONS:
        requests.append(("get", case_url(case, action), {}))
    for action, data in posts.items():
        requests.append(("post", case_url(case, action), data))
    return requests


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("owner", 403),
        ("applicant", 403),
        ("analyst", 403),
        ("auditor", 403),
        ("migration_officer", 404),
    ],
)
def test_nobody_but_the_stages_officials_gets_anything_and_nothing_changes(
    make_user: MakeUser, consul: User, who: str, expected: object
) -> None:
    case = in_review(submit(make_user), consul)
    before = snapshot(case)
    if who == "anonymous":
        client = Client()
    elif who == "owner":
        client = signed_in_client(case.applicant)
    else:
        client = signed_in_client(make_user(Role(who)))
    for method, url, data in _every_request(case):
        response = getattr(client, method)(url, data)
        if expected == "login":
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith("/accounts/login/"), (method, url)
        else:
            assert response.status_code == expected, (method, url, response.status_code)
    assert snapshot(case) == before


def test_an_official_who_decided_an_earlier_stage_may_read_but_not_act(
    submitted: Case, consul: User, consul_client: Client, migration: User
) -> None:
    case = in_trp_review(submitted, consul, migration)
    assert access_case_for_officer(consul, case.public_id) == case
    before = snapshot(case)
    for method, url, data in _every_request(reload(case)):
        response = getattr(consul_client, method)(url, data)
        if url == case_url(case):
            assert response.status_code == 200
        else:
            assert response.status_code == 302, (method, url)
            assert response["Location"] == case_url(case)
    after = snapshot(case)
    # Only the page views were recorded; nothing else changed.
    assert after[:-1] == before[:-1]
    assert after[-1] - before[-1] == 1
    assert Decision.objects.filter(case=case, stage="trp").count() == 0


def test_the_selector_refuses_drafts_other_authorities_and_unknown_ids(
    make_user: MakeUser, consul: User, migration: User
) -> None:
    from django.http import Http404

    draft = complete_draft(make_user(Role.APPLICANT))
    visa_case = submit(make_user)
    attempts: list[tuple[User, uuid.UUID | str]] = [
        (consul, draft.public_id),
        (migration, visa_case.public_id),
        (consul, "5f0c6b8e-2d7a-4c1e-9b3f-0a1b2c3d4e5f"),
        (consul, "not-a-uuid"),
        (make_user(Role.ANALYST), visa_case.public_id),
        (visa_case.applicant, visa_case.public_id),
    ]
    for user, public_id in attempts:
        with pytest.raises(Http404):
            access_case_for_officer(user, public_id)
    assert access_case_for_officer(consul, visa_case.public_id) == visa_case


def test_a_withdrawn_case_stays_readable_with_no_actions(
    submitted: Case, consul_client: Client
) -> None:
    case = applicant_actions.case_withdraw(actor=submitted.applicant, case=submitted)
    html = page_of(consul_client, case)
    assert 'tag--withdrawn">Withdrawn<' in html
    assert shown_actions(html) == []
    assert "No action is open at this status." in html
