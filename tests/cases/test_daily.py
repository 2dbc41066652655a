"""The daily checks: visas expire, missed deadlines are marked and reported once, reminders go once."""

from __future__ import annotations

import io
import signal
import smtplib
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from haven.accounts.models import User
from haven.accounts.roles import Role, sync_roles
from haven.audit.models import AuditEvent, EventType
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.models import Case, CaseEvent, InformationRequest, ReminderSent
from haven.cases.supervision import DEADLINE_REPORTS, supervisors_for
from haven.casework import applicant_actions, notifications, official_actions
from haven.casework.tasks import daily_checks
from haven.issuance.models import IssuedDocument, PermitNotification
from haven.rules.selectors import programme_get
from tests.cases.helpers import complete_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple[Any, ...]]]:
    """The applicant reminders asked of ``haven.casework.notifications``, recorded instead of sent."""
    calls: dict[str, list[tuple[Any, ...]]] = {"due_soon": [], "window_open": []}
    monkeypatch.setattr(
        notifications,
        "send_information_due_soon",
        lambda case, request: calls["due_soon"].append((case.pk, request.pk)),
        raising=False,
    )
    monkeypatch.setattr(
        notifications,
        "send_notification_window_open",
        lambda case, notification: calls["window_open"].append((case.pk, notification.pk)),
        raising=False,
    )
    return calls


@pytest.fixture
def submitted(make_user: Callable[..., User]) -> Case:
    applicant = make_user(Role.APPLICANT)
    return applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant))


def _reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _run(day: date) -> dict[str, int]:
    return daily_checks.call(day.isoformat())


def _granted_visa(case: Case, consul: User) -> Case:
    official_actions.case_start_review(officer=consul, case=case)
    case = _reload(case)
    official_actions.case_approve(officer=consul, case=case, version=case.version)
    return _reload(case)


def _entered(case: Case, consul: User) -> Case:
    case = _granted_visa(case, consul)
    return official_actions.case_record_entry(
        actor=consul, case=case, entered_on=timezone.localdate(), source="officer"
    )


def _supervise(user: User) -> None:
    call_command("users", "supervise", user.email, stdout=io.StringIO())


# Visas -------------------------------------------------------------------------------------


def test_an_unused_visa_expires_the_day_after_its_last_day(submitted: Case, consul: User) -> None:
    case = _granted_visa(submitted, consul)
    visa = IssuedDocument.objects.get(case=case)
    assert _run(visa.valid_until)["visas_expired"] == 0
    assert _reload(case).status == "visa_granted"
    assert _run(visa.valid_until + timedelta(days=1))["visas_expired"] == 1
    assert _reload(case).status == "visa_expired"
    visa.refresh_from_db()
    assert visa.expired_unused_on == visa.valid_until + timedelta(days=1)
    assert _run(visa.valid_until + timedelta(days=2))["visas_expired"] == 0
    assert AuditEvent.objects.filter(event_type=EventType.VISA_EXPIRED).count() == 1


def test_a_used_visa_never_expires_the_case(submitted: Case, consul: User) -> None:
    case = _entered(submitted, consul)
    visa = IssuedDocument.objects.get(case=case)
    assert _run(visa.valid_until + timedelta(days=1))["visas_expired"] == 0
    assert _reload(case).status == "trp_submitted"


def test_a_withdrawn_case_keeps_its_status(submitted: Case, consul: User) -> None:
    case = _granted_visa(submitted, consul)
    applicant_actions.case_withdraw(actor=case.applicant, case=case)
    visa = IssuedDocument.objects.get(case=case)
    assert _run(visa.valid_until + timedelta(days=1))["visas_expired"] == 0
    assert _reload(case).status == "withdrawn"


# Missed deadlines --------------------------------------------------------------------------


def test_a_missed_deadline_is_marked_once_without_changing_the_status(submitted: Case) -> None:
    assert submitted.deadline is not None
    before = _reload(submitted)
    assert _run(submitted.deadline)["deadlines_missed"] == 0
    after_day = submitted.deadline + timedelta(days=1)
    assert _run(after_day)["deadlines_missed"] == 1
    case = _reload(submitted)
    assert case.deadline_missed_on == after_day
    assert (case.status, case.version, case.updated_at) == (
        before.status,
        before.version,
        before.updated_at,
    )
    event = CaseEvent.objects.get(case=case, type="DEADLINE_MISSED")
    assert event.visible_to_applicant is False
    assert event.actor is None
    assert event.details == {"stage": "visa", "deadline": submitted.deadline.isoformat()}
    audit = AuditEvent.objects.get(event_type=EventType.DEADLINE_MISSED)
    assert (audit.subject_type, audit.subject_id) == ("cases.case", str(case.pk))
    # Again: nothing new.
    assert _run(after_day + timedelta(days=1))["deadlines_missed"] == 0
    assert CaseEvent.objects.filter(type="DEADLINE_MISSED").count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.DEADLINE_MISSED).count() == 1
    assert _reload(case).deadline_missed_on == after_day


def test_a_case_waiting_for_information_can_miss_its_deadline(
    submitted: Case, consul: User
) -> None:
    case = official_actions.case_start_review(officer=consul, case=submitted)
    official_actions.case_request_information(
        officer=consul,
        case=case,
        version=case.version,
        message="Send a clearer scan.",
        due_on=timezone.localdate() + timedelta(days=10),
    )
    assert submitted.deadline is not None
    assert _run(submitted.deadline + timedelta(days=1))["deadlines_missed"] == 1


def test_a_decided_case_misses_nothing(submitted: Case, consul: User) -> None:
    case = _granted_visa(submitted, consul)
    assert case.deadline is not None
    assert _run(case.deadline + timedelta(days=1))["deadlines_missed"] == 0
    assert _reload(case).deadline_missed_on is None


def test_marking_refuses_a_case_within_its_deadline_and_changes_nothing(submitted: Case) -> None:
    assert submitted.deadline is not None
    with pytest.raises(CaseError) as error:
        official_actions.case_mark_deadline_missed(case=submitted, today=submitted.deadline)
    assert error.value.code == CaseErrorCode.ACTION_NOT_ALLOWED
    assert _reload(submitted).deadline_missed_on is None
    assert not CaseEvent.objects.filter(type="DEADLINE_MISSED").exists()


def test_the_supervisors_of_the_authority_get_references_and_deadlines_only(
    submitted: Case, consul: User, migration: User, make_user: Callable[..., User]
) -> None:
    other_consul = make_user(Role.CONSULAR_OFFICER)  # not a supervisor
    _supervise(consul)
    _supervise(migration)
    assert submitted.deadline is not None
    mail.outbox.clear()
    summary = _run(submitted.deadline + timedelta(days=1))
    assert (summary["deadlines_missed"], summary["deadline_reports_sent"]) == (1, 1)
    (message,) = mail.outbox
    assert message.to == [consul.email]
    assert message.subject == "1 case passed its deadline without a decision"
    assert str(submitted.reference) in message.body
    with translation.override("en"):
        assert date_format(submitted.deadline, "DATE_FORMAT") in message.body
    assert "/work/visas/" in message.body
    for personal in ("Schmidt", "Anna", submitted.applicant.email, "C01X00T47"):
        assert personal not in message.body
        assert personal not in message.subject
    assert other_consul.email not in message.to
    # Reported once.
    mail.outbox.clear()
    assert _run(submitted.deadline + timedelta(days=2))["deadline_reports_sent"] == 0
    assert mail.outbox == []


def test_a_miss_waits_for_a_supervisor(submitted: Case, consul: User) -> None:
    assert submitted.deadline is not None
    mail.outbox.clear()
    assert _run(submitted.deadline + timedelta(days=1))["deadline_reports_sent"] == 0
    assert mail.outbox == []
    _supervise(consul)
    assert _run(submitted.deadline + timedelta(days=2))["deadline_reports_sent"] == 1
    assert mail.outbox[0].to == [consul.email]


def test_a_failed_report_is_sent_on_the_next_run(
    submitted: Case, consul: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _supervise(consul)
    assert submitted.deadline is not None
    from haven.casework import tasks

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patch:
        patch.setattr(tasks, "send_mail", refuse)
        assert _run(submitted.deadline + timedelta(days=1))["deadline_reports_sent"] == 0
    assert not ReminderSent.objects.exists()
    mail.outbox.clear()
    assert _run(submitted.deadline + timedelta(days=2))["deadline_reports_sent"] == 1
    assert len(mail.outbox) == 1


def test_a_permit_stage_miss_goes_to_the_migration_supervisor(
    submitted: Case, consul: User, migration: User
) -> None:
    _supervise(consul)
    _supervise(migration)
    assert submitted.deadline is not None
    _run(submitted.deadline + timedelta(days=1))  # the visa stage's deadline missed
    case = _entered(submitted, consul)
    assert case.deadline_missed_on is None  # a new stage, a new deadline
    assert case.deadline is not None
    mail.outbox.clear()
    summary = _run(case.deadline + timedelta(days=1))
    assert (summary["deadlines_missed"], summary["deadline_reports_sent"]) == (1, 1)
    (message,) = mail.outbox
    assert message.to == [migration.email]
    assert "/work/permits/" in message.body
    assert str(case.reference) in message.body


def test_the_report_is_in_the_supervisors_language(submitted: Case, consul: User) -> None:
    User.objects.filter(pk=consul.pk).update(preferred_language="ru")
    _supervise(consul)
    assert submitted.deadline is not None
    mail.outbox.clear()
    _run(submitted.deadline + timedelta(days=1))
    (message,) = mail.outbox
    programme = programme_get("shared-values")
    assert programme.localised(programme.stage("visa").title, "ru") in message.body


# Supervisors -------------------------------------------------------------------------------


def test_supervise_grants_the_permission_to_the_person_and_survives_role_sync(
    consul: User,
) -> None:
    out = io.StringIO()
    call_command("users", "supervise", consul.email.upper(), stdout=out)
    assert out.getvalue() == f"supervise: {consul.email}\n"
    sync_roles()
    assert User.objects.get(pk=consul.pk).has_perm(DEADLINE_REPORTS)
    assert supervisors_for("consulate") == [consul]
    assert supervisors_for("migration") == []
    audit = AuditEvent.objects.get(event_type=EventType.PERMISSION_GRANTED)
    assert audit.details == {"permission": DEADLINE_REPORTS}
    out = io.StringIO()
    call_command("users", "supervise", consul.email, stdout=out)
    assert out.getvalue().endswith("(no change)\n")
    call_command("users", "unsupervise", consul.email, stdout=io.StringIO())
    assert not User.objects.get(pk=consul.pk).has_perm(DEADLINE_REPORTS)
    assert AuditEvent.objects.filter(event_type=EventType.PERMISSION_REVOKED).count() == 1


def test_only_an_official_of_a_queue_can_supervise(make_user: Callable[..., User]) -> None:
    for role in (Role.APPLICANT, Role.ANALYST):
        user = make_user(role)
        with pytest.raises(CommandError) as error:
            call_command("users", "supervise", user.email, stdout=io.StringIO())
        assert error.value.returncode == 2
        assert not User.objects.get(pk=user.pk).has_perm(DEADLINE_REPORTS)
    assert not AuditEvent.objects.filter(event_type=EventType.PERMISSION_GRANTED).exists()


def test_an_inactive_supervisor_gets_no_report(consul: User) -> None:
    _supervise(consul)
    User.objects.filter(pk=consul.pk).update(is_active=False)
    assert supervisors_for("consulate") == []


# Reminders to applicants -------------------------------------------------------------------


def _information_requested(case: Case, consul: User, due_on: date) -> InformationRequest:
    case = official_actions.case_start_review(officer=consul, case=case)
    return official_actions.case_request_information(
        officer=consul, case=case, version=case.version, message="Send a scan.", due_on=due_on
    )


def test_an_answer_due_in_three_days_is_reminded_once(
    submitted: Case, consul: User, sent: dict[str, list[tuple[Any, ...]]]
) -> None:
    due = timezone.localdate() + timedelta(days=10)
    request = _information_requested(submitted, consul, due)
    assert _run(due - timedelta(days=4))["information_reminders_sent"] == 0
    assert _run(due - timedelta(days=3))["information_reminders_sent"] == 1
    assert sent["due_soon"] == [(submitted.pk, request.pk)]
    assert _run(due - timedelta(days=2))["information_reminders_sent"] == 0
    assert sent["due_soon"] == [(submitted.pk, request.pk)]
    reminder = ReminderSent.objects.get()
    assert (reminder.kind, reminder.object_id, reminder.sent_on) == (
        "information_due_soon",
        request.pk,
        due - timedelta(days=3),
    )


def test_the_reminders_reach_the_applicant_by_email(submitted: Case, consul: User) -> None:
    due = timezone.localdate() + timedelta(days=10)
    _information_requested(submitted, consul, due)
    mail.outbox.clear()
    _run(due - timedelta(days=3))
    (message,) = mail.outbox
    assert message.to == [submitted.applicant.email]
    assert str(submitted.reference) in f"{message.subject} {message.body}"


def test_a_missed_run_still_reminds_before_the_due_date(
    submitted: Case, consul: User, sent: dict[str, list[tuple[Any, ...]]]
) -> None:
    due = timezone.localdate() + timedelta(days=10)
    _information_requested(submitted, consul, due)
    assert _run(due - timedelta(days=1))["information_reminders_sent"] == 1
    assert _run(due + timedelta(days=1))["information_reminders_sent"] == 0


def test_no_reminder_for_a_request_just_made_or_answered(
    submitted: Case,
    consul: User,
    make_user: Callable[..., User],
    sent: dict[str, list[tuple[Any, ...]]],
) -> None:
    # Asked two days before the due date: the request's own email said so.
    due = timezone.localdate() + timedelta(days=2)
    _information_requested(submitted, consul, due)
    assert _run(timezone.localdate())["information_reminders_sent"] == 0
    # Answered already.
    applicant = make_user(Role.APPLICANT)
    other = applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant))
    later = timezone.localdate() + timedelta(days=10)
    _information_requested(other, consul, later)
    applicant_actions.case_answer_information(
        applicant=applicant, case=_reload(other), answer="Here."
    )
    assert _run(later - timedelta(days=3))["information_reminders_sent"] == 0
    assert sent["due_soon"] == []


def test_a_failed_reminder_is_tried_again(
    submitted: Case, consul: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    due = timezone.localdate() + timedelta(days=10)
    request = _information_requested(submitted, consul, due)
    attempts: list[int] = []

    def flaky(case: Case, request: InformationRequest) -> None:
        attempts.append(request.pk)
        if len(attempts) == 1:
            raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(notifications, "send_information_due_soon", flaky, raising=False)
    assert _run(due - timedelta(days=3))["information_reminders_sent"] == 0
    assert not ReminderSent.objects.exists()
    assert _run(due - timedelta(days=2))["information_reminders_sent"] == 1
    assert attempts == [request.pk, request.pk]


@pytest.fixture
def permit(submitted: Case, consul: User, migration: User) -> IssuedDocument:
    case = _entered(submitted, consul)
    case = official_actions.case_start_review(officer=migration, case=case)
    today = timezone.localdate()
    for code in official_actions.checklist_codes(programme_get("shared-values"), "trp", today):
        case = official_actions.case_check_document(
            officer=migration, case=case, code=code, checked=True
        )
    official_actions.case_approve(
        officer=migration, case=case, version=case.version, region="RU-MOW"
    )
    return IssuedDocument.objects.get(case=case, kind="trp")


def test_a_permit_holder_is_told_once_when_the_notification_window_opens(
    permit: IssuedDocument, sent: dict[str, list[tuple[Any, ...]]]
) -> None:
    first = PermitNotification.objects.get(document=permit, year=1)
    assert _run(first.window_opens - timedelta(days=1))["notification_reminders_sent"] == 0
    assert _run(first.window_opens)["notification_reminders_sent"] == 1
    assert sent["window_open"] == [(permit.case_id, first.pk)]
    assert _run(first.window_opens + timedelta(days=1))["notification_reminders_sent"] == 0
    assert _run(first.window_closes + timedelta(days=1))["notification_reminders_sent"] == 0
    assert sent["window_open"] == [(permit.case_id, first.pk)]


def test_the_window_reminder_reaches_the_permit_holder_by_email(permit: IssuedDocument) -> None:
    first = PermitNotification.objects.get(document=permit, year=1)
    mail.outbox.clear()
    assert _run(first.window_opens)["notification_reminders_sent"] == 1
    (message,) = mail.outbox
    assert message.to == [permit.case.applicant.email]


def test_a_notification_made_already_needs_no_reminder(
    permit: IssuedDocument, sent: dict[str, list[tuple[Any, ...]]]
) -> None:
    first = PermitNotification.objects.get(document=permit, year=1)
    PermitNotification.objects.filter(pk=first.pk).update(made_on=first.window_opens)
    assert _run(first.window_opens)["notification_reminders_sent"] == 0
    assert sent["window_open"] == []


# The command and the worker ----------------------------------------------------------------


def test_haven_daily_runs_the_checks_now(submitted: Case) -> None:
    assert submitted.deadline is not None
    day = submitted.deadline + timedelta(days=1)
    out = io.StringIO()
    call_command("daily", "--date", day.isoformat(), stdout=out)
    assert f"Daily checks for {day.isoformat()}:" in out.getvalue()
    assert "  deadlines missed: 1\n" in out.getvalue()
    assert _reload(submitted).deadline_missed_on == day


def test_haven_daily_refuses_a_date_that_is_not_one() -> None:
    with pytest.raises(CommandError) as error:
        call_command("daily", "--date", "2026-02-30", stdout=io.StringIO())
    assert error.value.returncode == 2


@pytest.fixture
def worker_signals() -> Iterator[None]:
    """``db_worker`` installs its own signal handlers; give pytest its own back."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
def test_enqueued_checks_run_in_the_database_worker(
    make_user: Callable[..., User], worker_signals: None
) -> None:
    from django_tasks_db.models import DBTaskResult

    applicant = make_user(Role.APPLICANT)
    case = applicant_actions.case_submit(actor=applicant, case=complete_draft(applicant))
    assert case.deadline is not None
    day = case.deadline + timedelta(days=1)
    out = io.StringIO()
    call_command("daily", "--enqueue", "--date", day.isoformat(), stdout=out)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "haven.casework.tasks.daily_checks"
    assert queued.args_kwargs == {"args": [day.isoformat()], "kwargs": {}}
    assert queued.status == "READY"
    assert str(queued.id) in out.getvalue()
    assert _reload(case).deadline_missed_on is None  # nothing ran yet
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value is not None
    assert queued.return_value["deadlines_missed"] == 1
    assert _reload(case).deadline_missed_on == day
