"""Emails to applicants, in the language they applied in; sent only after the change commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from haven.cases.models import Case
from haven.rules.selectors import programme_get


def _absolute(path: str) -> str:
    return f"{settings.HAVEN_PUBLIC_URL.rstrip('/')}{path}"


def send_submitted(case: Case) -> None:
    """Tell the applicant their reference and what happens next."""
    programme = programme_get(case.programme)
    with translation.override(case.language):
        context = {
            "case": case,
            "programme_title": programme.localised(programme.title, case.language),
            "stage_title": programme.localised(programme.stage(case.stage).title, case.language),
            "status_url": _absolute(reverse("cases:status", args=[case.public_id])),
        }
        subject = render_to_string("cases/email/submitted_subject.txt", context).strip()
        body = render_to_string("cases/email/submitted_body.txt", context)
    send_mail(subject, body, None, [case.applicant.email])
