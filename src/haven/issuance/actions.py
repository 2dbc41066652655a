"""Issued documents: issuing them on an approval, reading them, annual notifications.

``document_issue`` is called by the approval action inside its transaction,
so a decision and its document are written together or not at all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.audit.actions import audit_record
from haven.audit.models import EventType
from haven.cases.errors import CaseError, CaseErrorCode
from haven.cases.history import record_change
from haven.cases.models import Case, CaseEventType, Decision
from haven.cases.policy import may_act_as
from haven.cases.transitions import Action
from haven.issuance.models import IssuedDocument, IssuedNumberCounter, PermitNotification
from haven.issuance.selectors import VALIDITY_LABELS, Validity, validity_on
from haven.people.models import Passport, Person
from haven.people.mrz import make_mrva, to_mrz_name
from haven.rules.durations import add_duration
from haven.rules.nationality import icao_code
from haven.rules.programme import IssuedKind, Programme
from haven.rules.selectors import programme_get

NUMBER_PREFIXES = {
    IssuedDocument.Kind.VISA: "V",
    IssuedDocument.Kind.TRP: "T",
    IssuedDocument.Kind.RESIDENCE_PERMIT: "R",
}


def _next_number(kind: str, year: int) -> str:
    """Nine characters, as the visa's machine-readable zone holds: V26000123."""
    IssuedNumberCounter.objects.bulk_create(
        [IssuedNumberCounter(kind=kind, year=year)], ignore_conflicts=True
    )
    counter = IssuedNumberCounter.objects.select_for_update().get(kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{NUMBER_PREFIXES[IssuedDocument.Kind(kind)]}{year % 100:02d}{counter.last:06d}"


def validity_end(valid_from: date, duration: dict[str, int]) -> date:
    """The last valid day of a document valid from ``valid_from`` for ``duration``.

    Counted as the Civil Code counts periods (arts. 191-192): the period runs
    from the day before the first valid day and ends on the corresponding
    date of its last month, or on that month's last day where it has no such
    date. From 15 January for three months: until 14 April; from 30 November
    or 1 December: until the last day of February.
    """
    return add_duration(valid_from - timedelta(days=1), duration)


def _required(programme: Programme, name: str, on_date: date) -> Any:
    value = programme.optional_value(name, on_date)
    if value is None:  # the programme's data says it issues this, so it must say how
        raise CaseError(CaseErrorCode.ACTION_NOT_ALLOWED, name)
    return value.value


def initials(person: Person) -> str:
    parts = [*person.given_names.split(), *person.surname.split()]
    return "".join(f"{part[0]}." for part in parts[:3]).upper()


def _holder_nationality(person: Person, programme: Programme, on_date: date) -> str:
    """The listed citizenship the visa names (the first one the programme lists)."""
    listed = programme.optional_value("designated_states", on_date)
    codes: list[str] = list(person.citizenships)
    if listed is not None:
        codes.sort(key=lambda code: code not in listed.value)
    return codes[0]


def document_issue(
    *,
    officer: User,
    case: Case,
    decision: Decision,
    programme: Programme,
    kind: str,
    issued_on: date,
    valid_from: date,
    region: str = "",
) -> IssuedDocument:
    """Issue the stage's document. The caller holds the case's lock and its transaction."""
    person = Person.objects.get(case=case, role=Person.Role.APPLICANT)
    passport = Passport.objects.get(person=person)
    issued = IssuedKind(kind)
    validity = _required(programme, str(issued.validity_parameter), issued_on)
    valid_until = validity_end(valid_from, validity)
    document = IssuedDocument(
        kind=kind,
        number=_next_number(kind, issued_on.year),
        case=case,
        decision=decision,
        issued_on=issued_on,
        valid_from=valid_from,
        valid_until=valid_until,
        region=region,
        holder_initials=initials(person),
        verification_token=secrets.token_urlsafe(24),
        issued_by=officer,
    )
    if kind == IssuedDocument.Kind.VISA:
        document.entries = _required(programme, str(issued.entries_parameter), issued_on)
        document.mrz_line1, document.mrz_line2 = make_mrva(
            document_number=document.number,
            issuing_state=icao_code(settings.HAVEN_ISSUING_STATE),
            surname=to_mrz_name(person.surname),
            given_names=to_mrz_name(person.given_names),
            nationality=icao_code(_holder_nationality(person, programme, issued_on)),
            birth_date=person.birth_date,
            sex=person.sex,
            expiry_date=valid_until,
            optional_data=passport.number.replace(" ", "")[:16].upper(),
        )
    document.save()
    if issued.notification_window_parameter is not None:
        window = programme.optional_value(issued.notification_window_parameter, issued_on)
        if window is not None:
            _schedule_notifications(document, window.value)
    return document


def _schedule_notifications(document: IssuedDocument, window: dict[str, int]) -> None:
    """One notification after each anniversary that falls before the permit ends."""
    rows = []
    year = 1
    while (anniversary := add_duration(document.valid_from, {"years": year})) < (
        document.valid_until
    ):
        rows.append(
            PermitNotification(
                document=document,
                year=year,
                window_opens=anniversary,
                window_closes=add_duration(anniversary, window),
            )
        )
        year += 1
    PermitNotification.objects.bulk_create(rows)


# Reading -----------------------------------------------------------------------------------


def issued_document_record_viewed(*, actor: User, document: IssuedDocument) -> None:
    """Record that someone downloaded a visa or permit (every time, its holder too)."""
    audit_record(
        event_type=EventType.ISSUED_DOCUMENT_VIEWED,
        actor=actor,
        subject=document,
        details={"case": document.case.reference, "kind": document.kind},
    )


@dataclass(frozen=True)
class Verification:
    """What the public verification page may say about a document: nothing more."""

    kind: str
    kind_label: str
    validity: Validity
    valid_from: date
    valid_until: date
    holder_initials: str

    @property
    def validity_label(self) -> str:
        return str(VALIDITY_LABELS[self.validity])


def document_verify(*, number: str, token: str, today: date) -> Verification | None:
    """Look a document up by its number and the secret token of its QR code, for anyone.

    Returns None for a wrong number or a wrong token alike, so the answer never
    tells whether a number exists. Every lookup is audited, without the token.
    """
    number = number.strip().upper()
    token = token.strip()
    document = None
    if number and token:
        document = IssuedDocument.objects.filter(number=number, verification_token=token).first()
    if document is None:
        audit_record(event_type=EventType.DOCUMENT_VERIFIED, details={"found": False, "kind": None})
        return None
    audit_record(
        event_type=EventType.DOCUMENT_VERIFIED,
        subject=document,
        details={"found": True, "kind": document.kind},
    )
    return Verification(
        kind=document.kind,
        kind_label=str(document.get_kind_display()),
        validity=validity_on(document, today),
        valid_from=document.valid_from,
        valid_until=document.valid_until,
        holder_initials=document.holder_initials,
    )


# Annual notifications ----------------------------------------------------------------------


def permit_notification_record(
    *, officer: User, notification: PermitNotification, made_on: date
) -> PermitNotification:
    """Record that the permit's holder made the year's notification on ``made_on``.

    For officials of the authority that issued the permit (the migration
    authority). ``made_on`` lies between the day the window opened and today;
    after the window closed it is recorded as made late. Each year's
    notification is recorded once. The applicant sees it on the timeline.
    """
    today = timezone.localdate()
    with transaction.atomic():
        locked = (
            PermitNotification.objects.select_for_update(of=("self",))
            .select_related("document__case", "document__decision")
            .get(pk=notification.pk)
        )
        document = locked.document
        case = document.case
        programme = programme_get(case.programme)
        if document.kind == IssuedDocument.Kind.VISA or not may_act_as(
            officer, Action.RECORD_NOTIFICATION, case, programme
        ):
            raise CaseError(CaseErrorCode.NOT_PERMITTED)
        if locked.made_on is not None:
            raise CaseError(CaseErrorCode.NOTIFICATION_ALREADY_RECORDED)
        if not locked.window_opens <= made_on <= today:
            raise CaseError(CaseErrorCode.NOTIFICATION_DATE_OUT_OF_RANGE)
        locked.made_on = made_on
        locked.recorded_by = officer
        locked.recorded_at = timezone.now()
        locked.save(update_fields=["made_on", "recorded_by", "recorded_at"])
        details = {
            "number": document.number,
            "year": locked.year,
            "made_on": made_on.isoformat(),
            "late": made_on > locked.window_closes,
        }
        record_change(
            case=case,
            actor=officer,
            audit=EventType.NOTIFICATION_RECORDED,
            timeline=CaseEventType.NOTIFICATION_RECORDED,
            details=details,
        )
    return locked
