"""The daily checks, run by ``haven daily`` or queued for ``haven db_worker``.

Every part is safe to run again the same day, or twice at once: the actions
it calls skip what is done already, and each email is recorded in
``ReminderSent`` (a unique constraint) in the same transaction as it is
handed to the mail server. Parts that select "from this day on" rather than
"on this day exactly" catch up when a day was missed.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from haven.accounts.models import User
from haven.audit.heads import head_check_and_record
from haven.cases.authorities import authority_get, stage_authority
from haven.cases.errors import CaseError
from haven.cases.models import Case, CaseEvent, CaseEventType, InformationRequest, ReminderSent
from haven.cases.states import AWAITING_DECISION, StageState, status_of
from haven.cases.supervision import supervisors_for
from haven.casework import notifications, official_actions
from haven.casework.idempotency import idempotency_keys_purge
from haven.casework.retention import personal_data_delete_due
from haven.documents.actions import uploads_sweep
from haven.issuance.models import IssuedDocument, PermitNotification
from haven.rules.selectors import programme_get
from haven.rules.vocabulary import authority_name

logger = logging.getLogger(__name__)

# How long before an answer is due the applicant is reminded.
INFORMATION_REMINDER_LEAD = timedelta(days=3)
SEND_FAILURES = (smtplib.SMTPException, OSError)
# The daily checks' count that makes ``haven daily`` fail (see haven.audit.heads).
AUDIT_CHAIN_PROBLEMS = "audit_chain_problems"


@task()
def daily_checks(today_iso: str | None = None) -> dict[str, int]:
    """Expire unused visas, mark and report missed deadlines, send the due reminders,
    delete the personal data of closed cases past their programme's retention period,
    delete the stored files that no document tracks, then verify the audit chain
    against the head recorded last and record today's.

    ``today_iso`` (YYYY-MM-DD) checks as on that day; today by default. The
    stored files and the applicants' idempotency keys are judged by their age
    now, whatever the day. Returns how many of each were done, kept with the
    task's result; ``audit_chain_problems`` is 1 when the chain or its recorded
    head failed.
    """
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    done = {
        "visas_expired": expire_unused_visas(today),
        "deadlines_missed": mark_missed_deadlines(today),
        "deadline_reports_sent": report_missed_deadlines(today),
        "information_reminders_sent": remind_information_due(today),
        "notification_reminders_sent": remind_notification_windows(today),
        "personal_data_deleted": personal_data_delete_due(today),
        "upload_leftovers_deleted": uploads_sweep(),
        # From now, not from ``today``: a key's lifetime is hours, not days.
        "idempotency_keys_deleted": idempotency_keys_purge(),
    }
    check = head_check_and_record()
    done["audit_heads_recorded"] = 1 if check.head else 0
    done[AUDIT_CHAIN_PROBLEMS] = 0 if check.ok else 1
    return done


def expire_unused_visas(today: date) -> int:
    """Close the cases whose granted visa's last valid day has passed unused."""
    visa_cases = IssuedDocument.objects.filter(
        kind=IssuedDocument.Kind.VISA,
        used_on__isnull=True,
        expired_unused_on__isnull=True,
        valid_until__lt=today,
    ).values("case_id")
    expired = 0
    for case in Case.objects.filter(pk__in=visa_cases).order_by("pk"):
        if case.status != status_of(case.stage, StageState.GRANTED):
            continue
        try:
            official_actions.case_expire_visa(case=case, today=today)
        except CaseError:
            continue  # entered or withdrawn meanwhile
        expired += 1
    return expired


def mark_missed_deadlines(today: date) -> int:
    """Mark the undecided cases whose stage's deadline has passed."""
    # Statuses are <stage>_<state>: narrow by the waiting states' endings in the database
    # (decided cases keep their past deadlines forever), then check exactly.
    waiting_states = Q()
    for state in AWAITING_DECISION:
        waiting_states |= Q(status__endswith=f"_{state}")
    candidates = Case.objects.filter(
        waiting_states, deadline__lt=today, deadline_missed_on__isnull=True
    ).order_by("deadline", "pk")
    marked = 0
    for case in candidates:
        waiting = {status_of(case.stage, state) for state in AWAITING_DECISION}
        if case.status not in waiting:
            continue
        try:
            marked += official_actions.case_mark_deadline_missed(case=case, today=today)
        except CaseError:
            continue  # decided meanwhile
    return marked


def _record_and_send(
    kind: str, object_ids: list[int], today: date, send: Callable[[], None]
) -> bool:
    """Record the email(s) and send them in one transaction; False when sent before or failed."""
    try:
        with transaction.atomic():
            ReminderSent.objects.bulk_create(
                [ReminderSent(kind=kind, object_id=pk, sent_on=today) for pk in object_ids]
            )
            send()
    except IntegrityError:
        return False  # another run of the checks sent it
    except SEND_FAILURES as error:
        # Not recorded, so tried again on the next run. No address in the log.
        logger.warning("daily checks: %s %s not sent (%s)", kind, object_ids, type(error).__name__)
        return False
    return True


@dataclass(frozen=True)
class MissedDeadline:
    """One line of a supervisor's report: nothing about the person."""

    reference: str
    programme: str
    stage: str
    deadline: date

    @classmethod
    def of(cls, event: CaseEvent) -> MissedDeadline:
        return cls(
            reference=event.case.reference or "",
            programme=event.case.programme,
            stage=event.details["stage"],
            deadline=date.fromisoformat(event.details["deadline"]),
        )


def _send_deadline_report(supervisor: User, authority: str, misses: list[MissedDeadline]) -> None:
    """The supervisor's list of cases past their deadline, in the supervisor's language."""
    language = supervisor.preferred_language
    with translation.override(language):
        rows = []
        for miss in misses:
            programme = programme_get(miss.programme)
            title = programme.localised(programme.stage(miss.stage).title, language)
            rows.append({"miss": miss, "stage_title": title})
        queue = authority_get(authority).queue_url_name
        context = {
            "rows": rows,
            "count": len(rows),
            "authority": authority_name(authority),
            "queue_url": f"{settings.HAVEN_PUBLIC_URL.rstrip('/')}{reverse(queue)}"
            if queue
            else "",
        }
        subject = render_to_string("casework/email/deadline_report_subject.txt", context).strip()
        body = render_to_string("casework/email/deadline_report_body.txt", context)
    send_mail(subject, body, None, [supervisor.email])


def report_missed_deadlines(today: date) -> int:
    """Email each authority's supervisors the missed deadlines not reported yet; emails sent.

    One email per supervisor, listing each case's reference, stage and
    deadline. A miss with no supervisor to tell waits until there is one.
    """
    reported = ReminderSent.objects.filter(kind=ReminderSent.Kind.DEADLINE_REPORTED).values(
        "object_id"
    )
    events = (
        CaseEvent.objects.filter(type=CaseEventType.DEADLINE_MISSED)
        .exclude(pk__in=reported)
        .select_related("case")
        .order_by("pk")
    )
    by_authority: dict[str, list[CaseEvent]] = {}
    for event in events:
        authority = stage_authority(programme_get(event.case.programme), event.details["stage"])
        by_authority.setdefault(authority, []).append(event)
    sent = 0
    for authority, missed in sorted(by_authority.items()):
        supervisors = supervisors_for(authority)
        if not supervisors:
            logger.warning(
                "daily checks: %d missed deadlines of %s, no supervisor", len(missed), authority
            )
            continue
        misses = sorted(
            (MissedDeadline.of(event) for event in missed),
            key=lambda miss: (miss.deadline, miss.reference),
        )

        def send(
            authority: str = authority,
            supervisors: list[User] = supervisors,
            misses: list[MissedDeadline] = misses,
        ) -> None:
            for supervisor in supervisors:
                _send_deadline_report(supervisor, authority, misses)

        if _record_and_send(
            ReminderSent.Kind.DEADLINE_REPORTED, [event.pk for event in missed], today, send
        ):
            sent += len(supervisors)
    return sent


def remind_information_due(today: date) -> int:
    """Remind applicants whose answer is due within three days, once per request.

    Only requests made earlier than that: an applicant asked two days
    before the due date has just been told it.
    """
    reminded = ReminderSent.objects.filter(kind=ReminderSent.Kind.INFORMATION_DUE_SOON).values(
        "object_id"
    )
    requests = (
        InformationRequest.objects.filter(
            answered_at__isnull=True,
            due_on__gte=today,
            due_on__lte=today + INFORMATION_REMINDER_LEAD,
        )
        .exclude(pk__in=reminded)
        .select_related("case__applicant")
        .order_by("pk")
    )
    sent = 0
    for request in requests:
        if timezone.localtime(request.requested_at).date() >= (
            request.due_on - INFORMATION_REMINDER_LEAD
        ):
            continue
        if request.case.status != status_of(request.stage, StageState.INFO_REQUESTED):
            continue

        def send(request: InformationRequest = request) -> None:
            notifications.send_information_due_soon(request.case, request)

        sent += _record_and_send(ReminderSent.Kind.INFORMATION_DUE_SOON, [request.pk], today, send)
    return sent


def remind_notification_windows(today: date) -> int:
    """Tell permit holders their annual notification's window is open, once per notification."""
    reminded = ReminderSent.objects.filter(kind=ReminderSent.Kind.NOTIFICATION_WINDOW_OPEN).values(
        "object_id"
    )
    due = (
        PermitNotification.objects.filter(
            made_on__isnull=True,
            window_opens__lte=today,
            window_closes__gte=today,
            document__valid_until__gte=today,
        )
        .exclude(pk__in=reminded)
        .select_related("document__case__applicant")
        .order_by("pk")
    )
    sent = 0
    for notification in due:

        def send(notification: PermitNotification = notification) -> None:
            notifications.send_notification_window_open(notification.document.case, notification)

        sent += _record_and_send(
            ReminderSent.Kind.NOTIFICATION_WINDOW_OPEN, [notification.pk], today, send
        )
    return sent
