"""What the applicant's status page shows, in the reader's language.

A selector: ``status_page`` reads the case's timeline, its open request for
information, its decisions and the expected decision date, and shapes them
into plain values for ``cases/status.html``. The caller has already checked
(with ``access_case``) that the reader owns the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal
from django.urls import reverse
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from haven.applicant_web.presentation import status_label
from haven.cases.estimates import QUEUED_STATES, Estimate, expected_decision
from haven.cases.models import Case, CaseEvent, CaseEventType, Decision, InformationRequest
from haven.cases.states import state_in, state_or_withdrawn
from haven.cases.transitions import WITHDRAWN, Action, allowed_actions, status_of
from haven.casework.letters import decision_list_for_case
from haven.issuance.models import IssuedDocument
from haven.rules.display import Fact, fact
from haven.rules.programme import Programme
from haven.rules.vocabulary import authority_label

# What each stage's document is, the first time the page names it.
STAGE_EXPLANATIONS: dict[str, Promise] = {
    "visa": gettext_lazy(
        "The visa lets you enter the Russian Federation. After you enter, the migration "
        "authority decides on your temporary residence permit."
    ),
    "trp": gettext_lazy(
        "The temporary residence permit (TRP, in Russian RVP) lets you live in one region "
        "of the Russian Federation for a fixed number of years."
    ),
    "residence_permit": gettext_lazy(
        "The residence permit (in Russian VNZh) lets you live in the Russian Federation "
        "without a time limit."
    ),
}


def _date(value: date) -> str:
    return str(formats.date_format(value, "DATE_FORMAT"))


def _iso_date(details: dict[str, Any], key: str) -> str:
    value = details.get(key)
    return _date(date.fromisoformat(value)) if isinstance(value, str) else ""


@dataclass(frozen=True)
class TimelineEntry:
    type: str
    label: str
    detail: str
    occurred_at: datetime


def _stage_of(programme: Programme, status: str) -> str:
    """The id of the stage a status belongs to ('' for draft and withdrawn)."""
    for stage in programme.stages:
        if state_in(stage.id, status) is not None:
            return stage.id
    return ""


def _event_detail(event: CaseEvent, programme: Programme, language: str) -> str:
    details = event.details or {}
    kind = event.type
    if kind == CaseEventType.INFORMATION_REQUESTED:
        return _("Answer due by %(date)s.") % {"date": _iso_date(details, "due_on")}
    if kind == CaseEventType.INFORMATION_PROVIDED:
        count = int(details.get("documents") or 0)
        if not count:
            return ""
        return ngettext("You sent %(count)s file.", "You sent %(count)s files.", count) % {
            "count": count
        }
    if kind == CaseEventType.ENTRY_RECORDED:
        return _("Entry on %(date)s.") % {"date": _iso_date(details, "entered_on")}
    if kind == CaseEventType.DOCUMENT_ISSUED:
        labels = dict(IssuedDocument.Kind.choices)
        return _("%(document)s number %(number)s.") % {
            "document": labels.get(details.get("kind", ""), details.get("kind", "")),
            "number": details.get("number", ""),
        }
    if kind == CaseEventType.DOCUMENT_EXPIRED:
        return _("The visa was valid until %(date)s and was not used.") % {
            "date": _iso_date(details, "valid_until")
        }
    if kind == CaseEventType.NOTIFICATION_RECORDED:
        return _("Year %(year)s, made on %(date)s.") % {
            "year": details.get("year", ""),
            "date": _iso_date(details, "made_on"),
        }
    if kind in (CaseEventType.APPROVED, CaseEventType.REFUSED):
        stage_id = _stage_of(programme, event.from_status)
        if not stage_id:
            return ""
        title = programme.localised(programme.stage(stage_id).title, language)
        return _("%(stage)s. The decision letter is under 'Letters' below.") % {"stage": title}
    if kind == CaseEventType.SUBMITTED:
        stage_id = _stage_of(programme, event.to_status)
        return programme.localised(programme.stage(stage_id).title, language) if stage_id else ""
    return ""


def timeline(case: Case, programme: Programme, language: str) -> list[TimelineEntry]:
    """Every entry the applicant may see, newest first, each with its details in words."""
    return [
        TimelineEntry(
            type=event.type,
            label=str(event.get_type_display()),
            detail=_event_detail(event, programme, language),
            occurred_at=event.occurred_at,
        )
        for event in case.events.filter(visible_to_applicant=True).order_by("-occurred_at", "-pk")
    ]


@dataclass(frozen=True)
class Deadline:
    """The statutory deadline for the stage's decision, and the rule it comes from."""

    on: date
    overdue: bool
    rule: Fact | None
    explanation: str


def awaiting_decision(case: Case) -> bool:
    return case.status in {status_of(case.stage, state) for state in QUEUED_STATES}


def deadline(case: Case, programme: Programme, today: date, language: str) -> Deadline | None:
    """The deadline while the case waits for a decision (decided stages have none to show)."""
    if case.deadline is None or not awaiting_decision(case):
        return None
    started = case.stage_started_on or today
    rule = fact(
        programme, programme.stage(case.stage).decision_deadline_parameter, started, language
    )
    if rule is None:
        explanation = _("The latest date by which the law requires a decision.")
    else:
        explanation = _("%(rule)s %(value)s, counted from %(start)s.") % {
            "rule": rule.label,
            "value": rule.value.text,
            "start": _date(started),
        }
    return Deadline(
        on=case.deadline, overdue=case.deadline < today, rule=rule, explanation=explanation
    )


def _rate(estimate: Estimate, language: str) -> str:
    digits = "#,##0" if estimate.per_day >= 10 else "#,##0.#"
    return str(format_decimal(estimate.per_day, format=digits, locale=language))


def estimate_explanation(estimate: Estimate, language: str) -> str:
    """One line: the applicant's place in the queue and the recent pace behind the date."""
    if estimate.expected_on is None:
        return _("We cannot estimate yet: no decisions in the last four weeks.")
    position = _("You are number %(position)s in the queue.") % {
        "position": format_decimal(estimate.position, locale=language)
    }
    if estimate.per_day >= 0.5:
        pace = _(
            "In the last four weeks the authority decided about %(rate)s applications a day."
        ) % {"rate": _rate(estimate, language)}
    else:
        every = round(1 / estimate.per_day)
        pace = ngettext(
            "In the last four weeks the authority decided about one application every %(days)s day.",
            "In the last four weeks the authority decided about one application every %(days)s days.",
            every,
        ) % {"days": format_decimal(every, locale=language)}
    return f"{position} {pace}"


@dataclass(frozen=True)
class Letter:
    decision: Decision
    stage_title: str
    outcome_label: str
    url: str


def letters(case: Case, programme: Programme, language: str) -> list[Letter]:
    return [
        Letter(
            decision=decision,
            stage_title=programme.localised(programme.stage(decision.stage).title, language),
            outcome_label=str(decision.get_outcome_display()),
            url=reverse("cases:decision_letter", args=[case.public_id, decision.public_id]),
        )
        for decision in decision_list_for_case(case)
    ]


def open_request(case: Case) -> InformationRequest | None:
    """The request for information the applicant still has to answer, if any."""
    return case.information_requests.filter(answered_at__isnull=True).order_by("-pk").first()


def status_tag(case: Case) -> str:
    """The state part of the status, for the tag's style (``in_review``, ``withdrawn``...)."""
    if case.status == WITHDRAWN:
        return WITHDRAWN
    return state_or_withdrawn(case)


def status_page(case: Case, programme: Programme, today: date, language: str) -> dict[str, Any]:
    """Everything the status page shows, apart from issued documents (``issuance``)."""
    stage = programme.stage(case.stage)
    estimate = expected_decision(case, today)
    return {
        "case": case,
        "title": programme.localised(programme.title, language),
        "status": status_label(programme, case, language),
        "status_tag": status_tag(case),
        "stage": programme.localised(stage.title, language),
        "stage_explanation": str(STAGE_EXPLANATIONS.get(stage.issues, "")),
        "authority": authority_label(stage.authority),
        "deadline": deadline(case, programme, today, language),
        "estimate": estimate,
        "estimate_explanation": estimate_explanation(estimate, language) if estimate else "",
        "open_request": open_request(case),
        "events": timeline(case, programme, language),
        "letters": letters(case, programme, language),
        "can_withdraw": Action.WITHDRAW in allowed_actions(programme, case.status),
    }
