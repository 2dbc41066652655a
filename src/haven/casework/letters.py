"""Decision letters: who may read one, the PDF in the applicant's language, and its audit record.

A letter is rendered from the ``Decision`` row each time (its grounds were
copied from the programme's parameters when the official decided, so a later
change of the law never changes a letter), by WeasyPrint from
``cases/letters/decision.html`` with the server's own fonts and nothing
fetched from anywhere.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.actions import audit_record
from haven.audit.models import EventType
from haven.cases.models import Case, Decision
from haven.cases.policy import may
from haven.cases.transitions import Action
from haven.issuance.models import IssuedDocument
from haven.issuance.regions import region_name
from haven.people.models import Person
from haven.rules.nationality import country_name
from haven.rules.selectors import programme_get
from haven.rules.vocabulary import authority_label

# A letter names the deciding official's function, never the person.
AUTHORITY_ROLES: dict[str, Role] = {
    "consulate": Role.CONSULAR_OFFICER,
    "migration": Role.MIGRATION_OFFICER,
}
LETTER_TEMPLATE = "casework/letters/decision.html"

# What the holder does next with what was issued, by its kind.
NEXT_STEPS: dict[str, Promise] = {
    "visa": _(
        "Enter the Russian Federation with this visa on a day from its first to its last day of "
        "validity. It allows one entry. After you enter, your application goes to the migration "
        "authority for the temporary residence permit; its deadline for deciding runs from the "
        "day of entry."
    ),
    "trp": _(
        "Live in the region the permit was issued for. Every year, notify the migration "
        "authority within the period after each anniversary of the permit (listed below). "
        "A missed notification can lead to a fine and to the cancellation of the permit."
    ),
    "residence_permit": _(
        "Every year, notify the migration authority within the period after each anniversary "
        "of the permit (listed below)."
    ),
}


def can_read_decision_letter(user: User, decision: Decision) -> bool:
    """Whoever may read the case (``policy.VIEW``): its applicant, and the officials
    of the authority that handles its stage now or decided an earlier one."""
    return may(user, Action.VIEW, decision.case)


def access_decision_letter(
    user: User, case_public_id: uuid.UUID | str, decision_public_id: uuid.UUID | str
) -> Decision:
    """The decision of that case, if ``user`` may read its letter; else 404, as for none."""
    try:
        case_id = uuid.UUID(str(case_public_id))
        decision_id = uuid.UUID(str(decision_public_id))
    except ValueError as error:
        raise Http404 from error
    decision = (
        Decision.objects.select_related("case")
        .filter(public_id=decision_id, case__public_id=case_id)
        .first()
    )
    if decision is None or not can_read_decision_letter(user, decision):
        raise Http404
    return decision


def decision_list_for_case(case: Case) -> list[Decision]:
    """The case's decisions, oldest first; the caller has checked that the reader may see it."""
    return list(Decision.objects.filter(case=case).order_by("decided_at", "pk"))


def decision_letter_record_viewed(*, actor: User, decision: Decision) -> None:
    """Record that someone downloaded a decision letter (every time, the applicant's own too)."""
    audit_record(
        event_type=EventType.DECISION_LETTER_VIEWED,
        actor=actor,
        subject=decision,
        details={
            "case": decision.case.reference,
            "stage": decision.stage,
            "outcome": decision.outcome,
        },
    )


def decision_letter_filename(decision: Decision) -> str:
    return f"decision-{decision.case.reference}-{decision.stage}.pdf"


def _issued(decision: Decision) -> Any:
    return (
        IssuedDocument.objects.filter(decision=decision).prefetch_related("notifications").first()
    )


def _context(decision: Decision, language: str) -> dict[str, Any]:
    case = decision.case
    programme = programme_get(case.programme)
    stage = programme.stage(decision.stage)
    person = Person.objects.get(case=case, role=Person.Role.APPLICANT)
    role = AUTHORITY_ROLES.get(stage.authority)
    issued = _issued(decision) if decision.outcome == Decision.Outcome.APPROVED else None
    grounds = [
        {
            "title": ground["title"].get(language) or ground["title"].get("en", ""),
            "act": ground["act"],
            "article": ground["article"],
        }
        for ground in decision.grounds
    ]
    return {
        "language": language,
        "decision": decision,
        "case": case,
        "approved": decision.outcome == Decision.Outcome.APPROVED,
        "decided_on": timezone.localdate(decision.decided_at),
        "issuing_state": country_name(settings.HAVEN_ISSUING_STATE, language),
        "authority": authority_label(stage.authority),
        "official": role.label if role is not None else _("Authorised official"),
        "programme_title": programme.localised(programme.title, language),
        "stage_title": programme.localised(stage.title, language),
        "legal_basis": programme.legal_basis.act,
        "surname": person.surname,
        "given_names": person.given_names,
        "native_name": f"{person.native_surname} {person.native_given_names}".strip(),
        "address_lines": [line for line in person.address.splitlines() if line.strip()],
        "grounds": grounds,
        "issued": issued,
        "issued_kind": issued.get_kind_display() if issued else "",
        "region_name": region_name(issued.region) if issued and issued.region else "",
        "notifications": list(issued.notifications.all()) if issued else [],
        "next_steps": NEXT_STEPS.get(issued.kind, "") if issued else "",
    }


def decision_letter_pdf(decision: Decision) -> bytes:
    """The letter as PDF, in the language the applicant applied in.

    The caller has already checked that the reader may see ``decision``.
    """
    # WeasyPrint loads pango and its fonts when imported: only where a PDF is made.
    from weasyprint import HTML  # type: ignore[import-untyped]

    language = decision.case.language or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string(LETTER_TEMPLATE, _context(decision, language))
    return bytes(HTML(string=html).write_pdf())
