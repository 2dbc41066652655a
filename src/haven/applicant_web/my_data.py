"""An applicant's own data, all of it, to take away as JSON or as a readable PDF.

A selector: ``personal_data_for_applicant`` reads only what belongs to the
signed-in user (their account and the applications they started) and only
what the applicant may see of them: the timeline entries shown to them, never
officials' internal notes, internal entries, assignees or who decided. Dates
stay dates here; the JSON view and the PDF template write them out.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from haven.accounts.models import User
from haven.accounts.roles import roles_of
from haven.applicant_web.presentation import status_label
from haven.applicant_web.status_page import timeline
from haven.audit.actions import audit_record
from haven.audit.models import EventType
from haven.cases.models import Case, Decision, InformationRequest
from haven.cases.selectors import case_list_for_applicant
from haven.cases.vocabulary import document_label
from haven.casework.letters import decision_letter_filename
from haven.documents.models import Document
from haven.issuance.models import IssuedDocument
from haven.issuance.regions import region_name
from haven.movements.models import Movement
from haven.people.models import Person, Sex
from haven.rules.nationality import country_name
from haven.rules.selectors import programme_get

FORMAT = "haven-personal-data"
FORMAT_VERSION = 1
PDF_TEMPLATE = "applicant_web/my_data_pdf.html"


def _country(code: str, language: str) -> str:
    return country_name(code, language) if code else ""


def _person(person: Person, language: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "role": person.role,
        "surname": person.surname,
        "given_names": person.given_names,
        "native_surname": person.native_surname,
        "native_given_names": person.native_given_names,
        "birth_date": person.birth_date,
        "birth_place": person.birth_place,
        "sex": person.sex,
        "sex_label": str(Sex(person.sex).label) if person.sex in Sex.values else "",
        "citizenships": list(person.citizenships),
        "citizenship_names": [_country(code, language) for code in person.citizenships],
        "residence": person.residence,
        "residence_name": _country(person.residence, language),
        "address": person.address,
        "phone": person.phone,
        "email": person.email,
        "passport": None,
    }
    passport = getattr(person, "passport", None)
    if passport is not None:
        data["passport"] = {
            "number": passport.number,
            "issuing_state": passport.issuing_state,
            "issuing_state_name": _country(passport.issuing_state, language),
            "issue_date": passport.issue_date,
            "expiry_date": passport.expiry_date,
            "mrz_line1": passport.mrz_line1,
            "mrz_line2": passport.mrz_line2,
        }
    return data


def _declaration(case: Case) -> dict[str, Any] | None:
    signed = getattr(case, "declaration", None)
    if signed is None:
        return None
    return {
        "language": signed.language,
        "text": signed.text,
        "binding_text": signed.binding_text,
        "text_valid_from": signed.text_valid_from,
        "full_name": signed.full_name,
        "statement": signed.statement,
        "signed_at": signed.signed_at,
    }


def _document(document: Document) -> dict[str, Any]:
    return {
        "kind": document.kind,
        "kind_label": str(document_label(document.kind)),
        "file_name_as_uploaded": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "received_at": document.received_at,
        "removed_at": document.removed_at,
    }


def _information_request(information: InformationRequest) -> dict[str, Any]:
    return {
        "stage": information.stage,
        "message": information.message,
        "requested_at": information.requested_at,
        "due_on": information.due_on,
        "answer": information.answer,
        "answered_at": information.answered_at,
    }


def _decision(case: Case, decision: Decision, language: str) -> dict[str, Any]:
    return {
        "stage": decision.stage,
        "outcome": decision.outcome,
        "outcome_label": str(decision.get_outcome_display()),
        "decided_at": decision.decided_at,
        "grounds": [
            {
                "code": ground.get("code", ""),
                "title": ground["title"].get(language) or ground["title"].get("en", ""),
                "article": ground.get("article", ""),
                "act": ground.get("act", ""),
            }
            for ground in decision.grounds
        ],
        "explanation": decision.explanation,
        "letter": {
            "file_name": decision_letter_filename(decision),
            "url": reverse("cases:decision_letter", args=[case.public_id, decision.public_id]),
        },
    }


def _issued(issued: IssuedDocument) -> dict[str, Any]:
    return {
        "kind": issued.kind,
        "kind_label": str(issued.get_kind_display()),
        "number": issued.number,
        "issued_on": issued.issued_on,
        "valid_from": issued.valid_from,
        "valid_until": issued.valid_until,
        "entries": issued.entries,
        "region": issued.region,
        "region_name": region_name(issued.region) if issued.region else "",
        "used_on": issued.used_on,
        "expired_unused_on": issued.expired_unused_on,
        "annual_notifications": [
            {
                "year": notification.year,
                "window_opens": notification.window_opens,
                "window_closes": notification.window_closes,
                "made_on": notification.made_on,
            }
            for notification in issued.notifications.all()
        ],
    }


def _movement(movement: Movement) -> dict[str, Any]:
    return {
        "kind": movement.kind,
        "kind_label": str(movement.get_kind_display()),
        "occurred_at": movement.occurred_at,
        "border_point": movement.border_point,
        "document_kind": movement.document_kind,
        "document_number": movement.document_number,
    }


def _application(case: Case, language: str) -> dict[str, Any]:
    programme = programme_get(case.programme)
    people = list(case.people.all())
    applicant = next((p for p in people if p.role == Person.Role.APPLICANT), None)
    return {
        "reference": case.reference,
        "programme": case.programme,
        "programme_title": programme.localised(programme.title, language),
        "stage": case.stage,
        "stage_title": programme.localised(programme.stage(case.stage).title, language),
        "status": case.status,
        "status_label": status_label(programme, case, language),
        "language": case.language,
        "started_at": case.created_at,
        "submitted_at": case.submitted_at,
        "deadline": case.deadline,
        "person": _person(applicant, language) if applicant is not None else None,
        "family_members": [_person(p, language) for p in people if p.role != Person.Role.APPLICANT],
        "declaration": _declaration(case),
        "documents": [_document(d) for d in case.documents.all()],
        "timeline": [
            {
                "type": entry.type,
                "label": entry.label,
                "detail": entry.detail,
                "occurred_at": entry.occurred_at,
            }
            for entry in timeline(case, programme, language)
        ],
        "information_requests": [
            _information_request(information) for information in case.information_requests.all()
        ],
        "decisions": [_decision(case, decision, language) for decision in case.decisions.all()],
        "issued_documents": [_issued(issued) for issued in case.issued_documents.all()],
        "border_crossings": [_movement(movement) for movement in case.movements.all()],
    }


def personal_data_for_applicant(user: User, language: str) -> dict[str, Any]:
    """Everything Haven holds about ``user`` that they may read, in ``language``.

    Only the user's own account and their own applications (the query's
    filter is the owner); nothing written for officials only.
    """
    cases = case_list_for_applicant(user).prefetch_related(
        Prefetch("people", queryset=Person.objects.select_related("passport").order_by("pk")),
        Prefetch("documents", queryset=Document.objects.order_by("received_at", "pk")),
        Prefetch(
            "information_requests",
            queryset=InformationRequest.objects.order_by("requested_at", "pk"),
        ),
        Prefetch("decisions", queryset=Decision.objects.order_by("decided_at", "pk")),
        Prefetch(
            "issued_documents",
            queryset=IssuedDocument.objects.prefetch_related("notifications").order_by(
                "issued_on", "pk"
            ),
        ),
        Prefetch("movements", queryset=Movement.objects.order_by("occurred_at", "pk")),
    )
    cases = cases.select_related("declaration")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "language": language,
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "preferred_language_name": str(
                dict(settings.LANGUAGES).get(user.preferred_language, user.preferred_language)
            ),
            "created_at": user.date_joined,
            "roles": user.role_names(),
            "role_labels": [str(role.label) for role in roles_of(user)],
        },
        "applications": [_application(case, language) for case in cases],
    }


def personal_data_counts(data: dict[str, Any]) -> dict[str, int]:
    """How many of each thing an export holds: for the audit trail, which keeps no personal data."""
    counts: Counter[str] = Counter()
    for application in data["applications"]:
        for part in (
            "documents",
            "timeline",
            "information_requests",
            "decisions",
            "issued_documents",
            "border_crossings",
        ):
            counts[part] += len(application[part])
    return {"applications": len(data["applications"]), **{k: counts[k] for k in sorted(counts)}}


def personal_data_filename(extension: str) -> str:
    """``haven-my-data-<date>.<extension>``: no name, no email, no reference."""
    return f"haven-my-data-{timezone.localdate():%Y-%m-%d}.{extension}"


def personal_data_pdf(data: dict[str, Any]) -> bytes:
    """The export as a readable PDF in the export's language; the caller built ``data`` for its reader."""
    # WeasyPrint loads pango and its fonts when imported: only where a PDF is made.
    from weasyprint import HTML  # type: ignore[import-untyped]

    language = data["language"] or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string(PDF_TEMPLATE, {"data": data, "language": language})
    return bytes(HTML(string=html).write_pdf())


def personal_data_record_exported(*, actor: User, export_format: str, data: dict[str, Any]) -> None:
    """Record that an applicant downloaded their own data: the format and the counts only."""
    audit_record(
        event_type=EventType.PERSONAL_DATA_EXPORTED,
        actor=actor,
        subject=actor,
        details={"format": export_format, **personal_data_counts(data)},
    )
