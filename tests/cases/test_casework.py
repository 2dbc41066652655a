"""Officials' actions: review, requests for information, decisions, issue, entry, expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case, CaseEvent, Decision
from haven.casework import applicant_actions, official_actions
from haven.issuance.actions import validity_end
from haven.issuance.models import IssuedDocument, PermitNotification
from haven.people.mrz import check_mrz
from haven.rules.selectors import programme_get
from tests.cases.helpers import complete_draft

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def submitted(make_user: Callable[..., User]) -> Case:
    applicant = make_user(Role.APPLICANT)
    return applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant))


def _reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _granted_visa(case: Case, consul: User) -> Case:
    official_actions.case_start_review(officer=consul, case=case)
    case = _reload(case)
    official_actions.case_approve(officer=consul, case=case, version=case.version)
    return _reload(case)


def test_start_review_assigns_and_is_seen_by_the_applicant(submitted: Case, consul: User) -> None:
    case = official_actions.case_start_review(officer=consul, case=submitted)
    assert (case.status, case.assignee) == ("visa_in_review", consul)
    event = CaseEvent.objects.filter(case=case).first()
    assert event is not None
    assert (event.type, event.visible_to_applicant) == ("REVIEW_STARTED", True)


def test_an_officer_of_another_authority_changes_nothing(submitted: Case, migration: User) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(CaseError) as error:
        official_actions.case_start_review(officer=migration, case=submitted)
    assert error.value.code == CaseErrorCode.NOT_PERMITTED
    assert _reload(submitted).status == "visa_submitted"
    assert AuditEvent.objects.count() == before


def test_take_next_gives_the_nearest_deadline_first_and_never_twice(
    make_user: Callable[..., User], consul: User
) -> None:
    cases = []
    for _ in range(2):
        applicant = make_user(Role.APPLICANT)
        cases.append(applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant)))
    Case.objects.filter(pk=cases[1].pk).update(deadline=date(2026, 1, 1))
    stages = [("shared-values", "visa")]
    first = official_actions.case_take_next(officer=consul, stages=stages)
    second = official_actions.case_take_next(officer=consul, stages=stages)
    assert first is not None
    assert second is not None
    assert (first.pk, second.pk) == (cases[1].pk, cases[0].pk)
    assert first.status == "visa_in_review"
    assert official_actions.case_take_next(officer=consul, stages=stages) is None


def test_request_and_answer_information(submitted: Case, consul: User) -> None:
    case = official_actions.case_start_review(officer=consul, case=submitted)
    due = timezone.localdate() + timedelta(days=14)
    with pytest.raises(CaseError) as error:
        official_actions.case_request_information(
            officer=consul, case=case, version=case.version, message=" ", due_on=due
        )
    assert error.value.code == CaseErrorCode.MESSAGE_REQUIRED
    mail.outbox.clear()
    with pytest.raises(CaseError):  # a stale version
        official_actions.case_request_information(
            officer=consul, case=case, version=case.version - 1, message="x", due_on=due
        )
    request = official_actions.case_request_information(
        officer=consul,
        case=case,
        version=case.version,
        message="Send a clearer passport scan.",
        due_on=due,
    )
    case = _reload(case)
    assert case.status == "visa_info_requested"
    assert request.due_on == due
    applicant_actions.case_answer_information(
        applicant=case.applicant, case=case, answer="Here is a better scan."
    )
    case = _reload(case)
    assert case.status == "visa_in_review"
    request.refresh_from_db()
    assert request.answer == "Here is a better scan."
    with pytest.raises(CaseError) as error:
        applicant_actions.case_answer_information(
            applicant=case.applicant, case=case, answer="again"
        )
    assert error.value.code == CaseErrorCode.NO_OPEN_REQUEST


def test_request_sends_the_email_after_commit(
    submitted: Case, consul: User, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    case = official_actions.case_start_review(officer=consul, case=submitted)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        official_actions.case_request_information(
            officer=consul,
            case=case,
            version=case.version,
            message="Send a clearer scan.",
            due_on=timezone.localdate() + timedelta(days=7),
        )
    assert len(mail.outbox) == 1
    assert str(case.reference) in str(mail.outbox[0].subject)


def test_approval_issues_a_single_entry_visa_with_a_valid_mrz(
    submitted: Case, consul: User
) -> None:
    case = _granted_visa(submitted, consul)
    assert case.status == "visa_granted"
    visa = IssuedDocument.objects.get(case=case)
    today = timezone.localdate()
    assert (visa.kind, visa.entries, visa.valid_from) == ("visa", 1, today)
    assert visa.valid_until == validity_end(today, {"months": 3})
    result = check_mrz(visa.mrz_line1, visa.mrz_line2)
    assert result.valid
    assert result.fields is not None
    assert (result.fields.document_number, result.fields.nationality) == (visa.number, "D")
    assert result.fields.expiry_date == visa.valid_until.isoformat()
    assert visa.holder_initials == "A.M.S."


@pytest.mark.parametrize(
    ("valid_from", "months", "until"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 14)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 1), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 1, 1), 3, date(2026, 3, 31)),
        (date(2026, 3, 31), 3, date(2026, 6, 30)),
    ],
)
def test_validity_is_counted_as_the_civil_code_counts_months(
    valid_from: date, months: int, until: date
) -> None:
    assert validity_end(valid_from, {"months": months}) == until


def test_three_year_permit_from_29_february() -> None:
    assert validity_end(date(2028, 2, 29), {"years": 3}) == date(2031, 2, 28)


def test_refusal_needs_grounds_and_words_and_names_its_legal_basis(
    submitted: Case, consul: User
) -> None:
    case = official_actions.case_start_review(officer=consul, case=submitted)
    for grounds, explanation, code in [
        ([], "Because.", CaseErrorCode.GROUNDS_REQUIRED),
        (["no_such_ground"], "Because.", CaseErrorCode.UNKNOWN_GROUND),
        (["security"], "  ", CaseErrorCode.EXPLANATION_REQUIRED),
    ]:
        with pytest.raises(CaseError) as error:
            official_actions.case_refuse(
                officer=consul,
                case=case,
                version=case.version,
                grounds=grounds,
                explanation=explanation,
            )
        assert error.value.code == code
    assert _reload(case).status == "visa_in_review"
    decision = official_actions.case_refuse(
        officer=consul,
        case=case,
        version=case.version,
        grounds=["documents_false"],
        explanation="The passport scan does not match the passport data.",
    )
    assert _reload(case).status == "visa_refused"
    (ground,) = decision.grounds
    assert ground["code"] == "documents_false"
    assert "114-FZ" in ground["act"]
    assert ground["article"].startswith("art. 26")
    assert not IssuedDocument.objects.filter(case=case).exists()


def test_a_second_decision_on_the_same_version_is_a_conflict(submitted: Case, consul: User) -> None:
    case = official_actions.case_start_review(officer=consul, case=submitted)
    version = case.version
    official_actions.case_approve(officer=consul, case=case, version=version)
    with pytest.raises(CaseError) as error:
        official_actions.case_refuse(
            officer=consul, case=case, version=version, grounds=["security"], explanation="x"
        )
    assert error.value.code == CaseErrorCode.CONFLICT
    assert Decision.objects.filter(case=case).count() == 1


def test_entry_opens_the_permit_stage_with_its_deadline(
    submitted: Case, consul: User, migration: User
) -> None:
    case = _granted_visa(submitted, consul)
    today = timezone.localdate()
    case = official_actions.case_record_entry(
        actor=consul, case=case, entered_on=today, source="officer"
    )
    assert (case.stage, case.status, case.stage_started_on) == ("trp", "trp_submitted", today)
    assert case.deadline == validity_end(today + timedelta(days=1), {"months": 4})
    assert IssuedDocument.objects.get(case=case, kind="visa").used_on == today
    with pytest.raises(CaseError):  # the visa is used: no second entry
        official_actions.case_record_entry(
            actor=consul, case=case, entered_on=today, source="officer"
        )


def test_entry_outside_the_visa_validity_is_refused(submitted: Case, consul: User) -> None:
    case = _granted_visa(submitted, consul)
    with pytest.raises(CaseError) as error:
        official_actions.case_record_entry(
            actor=consul,
            case=case,
            entered_on=timezone.localdate() - timedelta(days=1),
            source="officer",
        )
    assert error.value.code == CaseErrorCode.DATE_OUT_OF_RANGE
    assert _reload(case).status == "visa_granted"


def test_an_unused_visa_expires_the_day_after_its_last_day(submitted: Case, consul: User) -> None:
    case = _granted_visa(submitted, consul)
    visa = IssuedDocument.objects.get(case=case)
    with pytest.raises(CaseError):
        official_actions.case_expire_visa(case=case, today=visa.valid_until)
    case = official_actions.case_expire_visa(case=case, today=visa.valid_until + timedelta(days=1))
    assert case.status == "visa_expired"


def test_permit_needs_the_checklist_and_a_region_then_schedules_notifications(
    submitted: Case, consul: User, migration: User
) -> None:
    case = _granted_visa(submitted, consul)
    today = timezone.localdate()
    case = official_actions.case_record_entry(
        actor=consul, case=case, entered_on=today, source="officer"
    )
    case = official_actions.case_start_review(officer=migration, case=case)
    with pytest.raises(CaseError) as error:
        official_actions.case_approve(
            officer=migration, case=case, version=case.version, region="RU-MOW"
        )
    assert error.value.code == CaseErrorCode.CHECKLIST_INCOMPLETE
    assert "fee_receipt" in error.value.detail  # type: ignore[operator]
    codes = official_actions.checklist_codes(programme_get("shared-values"), "trp", today)
    assert "language_certificate" not in codes
    for code in codes:
        case = official_actions.case_check_document(
            officer=migration, case=case, code=code, checked=True
        )
    with pytest.raises(CaseError) as error:
        official_actions.case_approve(officer=migration, case=case, version=case.version, region="")
    assert error.value.code == CaseErrorCode.REGION_REQUIRED
    official_actions.case_approve(
        officer=migration, case=case, version=case.version, region="RU-MOW"
    )
    case = _reload(case)
    assert case.status == "trp_granted"
    permit = IssuedDocument.objects.get(case=case, kind="trp")
    assert permit.valid_until == validity_end(today, {"years": 3})
    assert (permit.region, permit.mrz_line1) == ("RU-MOW", "")
    notifications = list(PermitNotification.objects.filter(document=permit))
    assert [n.year for n in notifications] == [1, 2]
    first = notifications[0]
    assert first.window_opens.year == today.year + 1
