"""Emails to applicants, in the language they applied in; sent only after the change commits.

Each function renders ``cases/email/<name>_subject.txt`` and ``_body.txt``
under ``translation.override(case.language)`` and hands the message to
Django's email backend. Casework schedules the event emails with
``transaction.on_commit``; the daily checks (``haven.casework.tasks``) call the
reminders. No email carries more than the reference and what to do: the
request's text, the reasons and the documents are behind the sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from haven.cases.models import Case, Decision, InformationRequest
from haven.issuance.models import IssuedDocument
from haven.issuance.regions import region_name
from haven.rules.selectors import programme_get


def _absolute(path: str) -> str:
    return f"{settings.HAVEN_PUBLIC_URL.rstrip('/')}{path}"


def _send(case: Case, template: str, extra: dict[str, Any] | None = None) -> None:
    programme = programme_get(case.programme)
    with translation.override(case.language):
        context = {
            "case": case,
            "programme_title": programme.localised(programme.title, case.language),
            "stage_title": programme.localised(programme.stage(case.stage).title, case.language),
            "status_url": _absolute(reverse("cases:status", args=[case.public_id])),
            **(extra or {}),
        }
        subject = render_to_string(f"casework/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"casework/email/{template}_body.txt", context)
    send_mail(subject, body, None, [case.applicant.email])


def _answer_url(case: Case) -> str:
    return _absolute(reverse("cases:answer", args=[case.public_id]))


def send_submitted(case: Case) -> None:
    """Tell the applicant their reference and what happens next."""
    _send(case, "submitted")


def send_information_requested(case: Case) -> None:
    """An official needs more: by when, and where to read and answer (the text is not emailed)."""
    request = case.information_requests.order_by("-requested_at", "-pk").first()
    _send(case, "information_requested", {"request": request, "answer_url": _answer_url(case)})


def send_decided(case: Case, *, decision_pk: int) -> None:
    """The decision, the letter's address and, for an approval, what was issued.

    The reasons are in the letter, not the email.
    """

    decision = case.decisions.get(pk=decision_pk)
    issued = (
        IssuedDocument.objects.filter(decision=decision).first()
        if decision.outcome == Decision.Outcome.APPROVED
        else None
    )
    programme = programme_get(case.programme)
    letter_path = reverse("cases:decision_letter", args=[case.public_id, decision.public_id])
    _send(
        case,
        "decided",
        {
            "decision": decision,
            "decided_stage_title": programme.localised(
                programme.stage(decision.stage).title, case.language
            ),
            "issued": issued,
            "letter_url": _absolute(letter_path),
        },
    )


def send_information_due_soon(case: Case, request: InformationRequest) -> None:
    """A reminder that the answer to ``request`` is due within days and has not been sent.

    Called by the daily checks, which record that it was sent.
    """
    _send(case, "information_due_soon", {"request": request, "answer_url": _answer_url(case)})


def send_notification_window_open(case: Case, notification: Any) -> None:
    """The period for the permit's annual notification to the migration authority has opened.

    ``notification`` is a ``haven.issuance.models.PermitNotification`` of the
    case's permit. Called by the daily checks, which record that it was sent.
    """

    document = notification.document
    _send(
        case,
        "notification_window_open",
        {
            "notification": notification,
            "document": document,
            "region_name": region_name(document.region) if document.region else "",
        },
    )


def notify_on_commit(send: Callable[..., None], case_pk: int, **extra: Any) -> None:
    """Send the email once the caller's transaction has committed (never for a rollback)."""

    def after_commit() -> None:
        send(Case.objects.select_related("applicant").get(pk=case_pk), **extra)

    transaction.on_commit(after_commit)
