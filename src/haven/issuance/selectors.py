"""Reads of issued documents, always checked against who is asking.

The applicant who owns the case sees its documents; officials see those of
cases their authority handles, either at the stage that issued the document
or at the case's current stage. Missing and forbidden answer the same 404.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.http import Http404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.cases.models import Case
from haven.cases.policy import may
from haven.cases.transitions import Action
from haven.issuance.models import IssuedDocument, PermitNotification
from haven.issuance.regions import region_name


class Validity(enum.StrEnum):
    VALID = "valid"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    USED = "used"


VALIDITY_LABELS: dict[Validity, Promise] = {
    Validity.VALID: _("Valid"),
    Validity.NOT_YET_VALID: _("Not yet valid"),
    Validity.EXPIRED: _("Expired"),
    Validity.USED: _("Used for entry"),
}


class NotificationState(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    MADE = "made"
    MISSED = "missed"
    MADE_LATE = "made_late"


NOTIFICATION_STATE_LABELS: dict[NotificationState, Promise] = {
    NotificationState.UPCOMING: _("Upcoming"),
    NotificationState.OPEN: _("Due now"),
    NotificationState.MADE: _("Made"),
    NotificationState.MISSED: _("Missed"),
    NotificationState.MADE_LATE: _("Made late"),
}


def validity_on(document: IssuedDocument, today: date) -> Validity:
    """Whether the document can be used on ``today``.

    A single-entry visa used to enter is "used" for good, even before its
    last day; an unused one is "expired" after it.
    """
    if (
        document.kind == IssuedDocument.Kind.VISA
        and document.used_on is not None
        and (document.entries or 1) <= 1
    ):
        return Validity.USED
    if document.expired_unused_on is not None or today > document.valid_until:
        return Validity.EXPIRED
    if today < document.valid_from:
        return Validity.NOT_YET_VALID
    return Validity.VALID


# Access ------------------------------------------------------------------------------------


def can_see_issued_document(user: User, document: IssuedDocument) -> bool:
    """Whoever may read the case (``policy.VIEW``) may see what was issued with it."""
    return may(user, Action.VIEW, document.case)


def can_record_notifications(user: User, document: IssuedDocument) -> bool:
    """Officials of the authority that issued the permit record its annual notifications."""
    if document.kind == IssuedDocument.Kind.VISA:
        return False
    return may(user, Action.RECORD_NOTIFICATION, document.case)


def _parse_uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as error:
        raise Http404 from error


def access_issued_document(user: User, public_id: uuid.UUID | str) -> IssuedDocument:
    """The issued document, if ``user`` may see it; else 404, as for one that does not exist."""
    document = (
        IssuedDocument.objects.select_related("case", "decision")
        .filter(public_id=_parse_uuid(public_id))
        .first()
    )
    if document is None or not can_see_issued_document(user, document):
        raise Http404
    return document


def access_permit_notification(
    user: User, public_id: uuid.UUID | str, year: int
) -> PermitNotification:
    """A permit's notification for ``year``, if ``user`` may record it; else 404."""
    notification = (
        PermitNotification.objects.select_related("document__case", "document__decision")
        .filter(document__public_id=_parse_uuid(public_id), year=year)
        .first()
    )
    if notification is None or not can_record_notifications(user, notification.document):
        raise Http404
    return notification


# Notifications -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledNotification:
    notification: PermitNotification
    state: NotificationState

    @property
    def year(self) -> int:
        return self.notification.year

    @property
    def window_opens(self) -> date:
        return self.notification.window_opens

    @property
    def window_closes(self) -> date:
        return self.notification.window_closes

    @property
    def made_on(self) -> date | None:
        return self.notification.made_on

    @property
    def label(self) -> str:
        return str(NOTIFICATION_STATE_LABELS[self.state])

    @property
    def can_be_recorded(self) -> bool:
        """Not yet recorded and its window has opened (a late one may still be recorded)."""
        return self.state in (NotificationState.OPEN, NotificationState.MISSED)


def notification_state(notification: PermitNotification, today: date) -> NotificationState:
    if notification.made_on is not None:
        if notification.made_on > notification.window_closes:
            return NotificationState.MADE_LATE
        return NotificationState.MADE
    if today < notification.window_opens:
        return NotificationState.UPCOMING
    if today <= notification.window_closes:
        return NotificationState.OPEN
    return NotificationState.MISSED


def notification_schedule(document: IssuedDocument, today: date) -> list[ScheduledNotification]:
    """Each annual notification the permit's holder owes, with its state on ``today``.

    The caller has already checked that the reader may see ``document``.
    """
    return [
        ScheduledNotification(notification, notification_state(notification, today))
        for notification in document.notifications.all()
    ]


# A case's documents, as its pages show them ------------------------------------------------


@dataclass(frozen=True)
class IssuedDocumentView:
    document: IssuedDocument
    validity: Validity
    schedule: list[ScheduledNotification]
    can_record: bool
    download_url: str

    @property
    def kind_label(self) -> str:
        return str(self.document.get_kind_display())

    @property
    def validity_label(self) -> str:
        return str(VALIDITY_LABELS[self.validity])

    @property
    def region_name(self) -> str:
        return region_name(self.document.region) if self.document.region else ""


def issued_list_for_case(user: User, case: Case, today: date) -> list[IssuedDocumentView]:
    """The case's issued documents that ``user`` may see, oldest first, for its pages.

    For the applicant's status page and the official's case page; the caller
    has already checked that ``user`` may see ``case``.
    """
    documents: Iterable[IssuedDocument] = (
        IssuedDocument.objects.filter(case=case)
        .select_related("case", "decision")
        .prefetch_related("notifications")
        .order_by("issued_on", "pk")
    )
    views = []
    for document in documents:
        if not can_see_issued_document(user, document):
            continue
        views.append(
            IssuedDocumentView(
                document=document,
                validity=validity_on(document, today),
                schedule=notification_schedule(document, today),
                can_record=can_record_notifications(user, document),
                download_url=reverse("issuance:pdf", args=[document.public_id]),
            )
        )
    return views


def issued_list_for_export(kind: str | None) -> list[IssuedDocument]:
    """Every issued document (of ``kind``), by issue date and number, for operators' exports."""
    documents = IssuedDocument.objects.select_related("case").order_by("issued_on", "number")
    if kind:
        documents = documents.filter(kind=kind)
    return list(documents)
