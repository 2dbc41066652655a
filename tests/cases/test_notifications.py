"""Emails to applicants: one per event they must know about, in the language of their case.

Each test checks what does not depend on the catalogs (the reference, the
address to follow) and the closing "Please do not reply" in the case's
language; the subjects are checked against the catalogs themselves.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.casework import applicant_actions, notifications, official_actions
from haven.issuance.models import IssuedDocument, PermitNotification
from haven.issuance.regions import region_name
from haven.rules.selectors import programme_get
from tests.cases.applicant_helpers import (
    approve,
    in_review,
    refuse,
    reload,
    request_information,
    submitted_case,
)

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://haven.example.org"
DO_NOT_REPLY = {
    "en": "Please do not reply to this email.",
    "de": "Bitte antworten Sie nicht auf diese E-Mail.",
    "ru": "Пожалуйста, не отвечайте на это письмо.",
}


@pytest.fixture(autouse=True)
def public_url(settings) -> None:
    settings.HAVEN_PUBLIC_URL = PUBLIC_URL


@pytest.fixture
def case_in(make_user: Callable[..., User]) -> Callable[[str], Case]:
    return lambda language: submitted_case(make_user(Role.APPLICANT), language)


def only_message() -> mail.EmailMessage:
    (message,) = mail.outbox
    return message


def assert_in_language(message: mail.EmailMessage, case: Case, language: str) -> None:
    assert message.to == [case.applicant.email]
    assert str(case.reference) in message.subject
    assert str(case.reference) in message.body
    assert DO_NOT_REPLY[language] in message.body
    for other, sentence in DO_NOT_REPLY.items():
        if other != language:
            assert sentence not in message.body


def permit_holder(case: Case, consul: User, migration: User) -> IssuedDocument:
    """The case through visa, entry and permit, by the officials' own actions."""
    approve(case, consul)
    today = timezone.localdate()
    entered = official_actions.case_record_entry(
        actor=consul, case=reload(case), entered_on=today, source="officer"
    )
    entered = in_review(entered, migration)
    for code in official_actions.checklist_codes(programme_get("shared-values"), "trp", today):
        entered = official_actions.case_check_document(
            officer=migration, case=entered, code=code, checked=True
        )
    official_actions.case_approve(
        officer=migration, case=entered, version=entered.version, region="RU-MOW"
    )
    return IssuedDocument.objects.get(case=case, kind=IssuedDocument.Kind.TRP)


@pytest.mark.parametrize("language", ["ru", "de"])
def test_information_due_soon_is_in_the_cases_language(
    case_in: Callable[[str], Case], consul: User, language: str
) -> None:
    case = case_in(language)
    request = request_information(case, consul, days=3)
    mail.outbox.clear()
    notifications.send_information_due_soon(reload(case), request)
    message = only_message()
    assert_in_language(message, case, language)
    assert f"{PUBLIC_URL}/applications/{case.public_id}/answer/" in message.body
    assert request.message not in message.body  # the request's text stays behind the sign-in


@pytest.mark.parametrize("language", ["ru", "de"])
def test_notification_window_open_is_in_the_cases_language(
    case_in: Callable[[str], Case], consul: User, migration: User, language: str
) -> None:
    case = case_in(language)
    permit = permit_holder(case, consul, migration)
    notification = PermitNotification.objects.get(document=permit, year=1)
    mail.outbox.clear()
    notifications.send_notification_window_open(reload(case), notification)
    message = only_message()
    assert_in_language(message, case, language)
    assert permit.number in message.body
    assert f"{PUBLIC_URL}/applications/{case.public_id}/status/" in message.body
    assert region_name("RU-MOW") in message.body  # the permit's region


@pytest.mark.parametrize("language", ["ru", "de"])
def test_a_refusal_is_emailed_after_commit_with_the_letters_address(
    case_in: Callable[[str], Case],
    consul: User,
    language: str,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    case = case_in(language)
    in_review(case, consul)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        decision = refuse(case, consul)
    message = only_message()
    assert_in_language(message, case, language)
    assert (
        f"{PUBLIC_URL}/applications/{case.public_id}/decisions/{decision.public_id}/letter.pdf"
        in message.body
    )
    assert decision.explanation not in message.body  # the reasons are in the letter


def test_an_approval_email_names_the_visa(
    case_in: Callable[[str], Case],
    consul: User,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    case = case_in("de")
    in_review(case, consul)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        decision = approve(case, consul)
    message = only_message()
    assert_in_language(message, case, "de")
    visa = IssuedDocument.objects.get(decision=decision)
    assert visa.number in message.body
    assert f"/decisions/{decision.public_id}/letter.pdf" in message.body


@pytest.mark.parametrize("language", ["ru", "de"])
def test_a_request_for_information_is_emailed_with_the_answer_page(
    case_in: Callable[[str], Case],
    consul: User,
    language: str,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    case = case_in(language)
    in_review(case, consul)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        request_information(case, consul)
    message = only_message()
    assert_in_language(message, case, language)
    assert f"{PUBLIC_URL}/applications/{case.public_id}/answer/" in message.body


def test_the_submission_email_is_in_the_cases_language(
    case_in: Callable[[str], Case],
) -> None:
    case = case_in("de")
    mail.outbox.clear()
    notifications.send_submitted(reload(case))
    message = only_message()
    assert_in_language(message, case, "de")


SUBJECTS = {
    "information_requested": "Information needed for your application %(reference)s",
    "refused": "Decision on your application %(reference)s",
}


@pytest.mark.parametrize("language", ["ru", "de", "fr", "it", "es"])
def test_the_subjects_are_translated(
    case_in: Callable[[str], Case],
    consul: User,
    language: str,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    from django.utils import translation

    case = case_in(language)
    in_review(case, consul)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        request_information(case, consul)
    requested = only_message().subject
    mail.outbox.clear()
    applicant_actions.case_answer_information(
        applicant=case.applicant, case=reload(case), answer="Here it is.", files=[]
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        refuse(case, consul)
    refused = only_message().subject
    for subject, name in ((requested, "information_requested"), (refused, "refused")):
        english = SUBJECTS[name] % {"reference": case.reference}
        with translation.override(language):
            expected = translation.gettext(SUBJECTS[name]) % {"reference": case.reference}
        assert expected != english
        assert expected in subject
