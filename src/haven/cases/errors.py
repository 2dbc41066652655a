"""The one error type actions raise; views and the API turn it into one error shape."""

from __future__ import annotations

import enum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CaseErrorCode(enum.StrEnum):
    PROGRAMME_NOT_OPEN = "PROGRAMME_NOT_OPEN"
    NOT_A_DRAFT = "NOT_A_DRAFT"
    INCOMPLETE = "INCOMPLETE"
    ACTION_NOT_ALLOWED = "ACTION_NOT_ALLOWED"
    CONFLICT = "CONFLICT"
    NOT_PERMITTED = "NOT_PERMITTED"
    GROUNDS_REQUIRED = "GROUNDS_REQUIRED"
    UNKNOWN_GROUND = "UNKNOWN_GROUND"
    EXPLANATION_REQUIRED = "EXPLANATION_REQUIRED"
    CHECKLIST_INCOMPLETE = "CHECKLIST_INCOMPLETE"
    UNKNOWN_CHECKLIST_ITEM = "UNKNOWN_CHECKLIST_ITEM"
    REGION_REQUIRED = "REGION_REQUIRED"
    DATE_OUT_OF_RANGE = "DATE_OUT_OF_RANGE"
    MESSAGE_REQUIRED = "MESSAGE_REQUIRED"
    NO_OPEN_REQUEST = "NO_OPEN_REQUEST"
    NOT_AN_OFFICER = "NOT_AN_OFFICER"
    NOTIFICATION_ALREADY_RECORDED = "NOTIFICATION_ALREADY_RECORDED"
    NOTIFICATION_DATE_OUT_OF_RANGE = "NOTIFICATION_DATE_OUT_OF_RANGE"
    ANSWER_REQUIRED = "ANSWER_REQUIRED"
    TOO_MANY_FILES = "TOO_MANY_FILES"
    TOO_MANY_DRAFTS = "TOO_MANY_DRAFTS"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_KEY_IN_FLIGHT = "IDEMPOTENCY_KEY_IN_FLIGHT"


MESSAGES: dict[CaseErrorCode, Promise] = {
    CaseErrorCode.PROGRAMME_NOT_OPEN: _("This programme does not accept applications."),
    CaseErrorCode.NOT_A_DRAFT: _(
        "This application has been submitted and can no longer be changed."
    ),
    CaseErrorCode.INCOMPLETE: _("The application is not complete yet."),
    CaseErrorCode.ACTION_NOT_ALLOWED: _("This cannot be done at the application's current stage."),
    CaseErrorCode.CONFLICT: _(
        "Someone else changed this application at the same time. Nothing was changed; please look again."
    ),
    CaseErrorCode.NOT_PERMITTED: _("Your role does not handle this stage of the case."),
    CaseErrorCode.GROUNDS_REQUIRED: _("Choose at least one ground for the refusal."),
    CaseErrorCode.UNKNOWN_GROUND: _("This ground is not among the programme's grounds today."),
    CaseErrorCode.EXPLANATION_REQUIRED: _(
        "Explain the decision in your own words: the applicant reads it in the letter."
    ),
    CaseErrorCode.CHECKLIST_INCOMPLETE: _("Tick every document of the checklist before approving."),
    CaseErrorCode.UNKNOWN_CHECKLIST_ITEM: _("This document is not on the stage's checklist."),
    CaseErrorCode.REGION_REQUIRED: _("Choose the region the permit is issued for."),
    CaseErrorCode.DATE_OUT_OF_RANGE: _("Choose a date from today up to one year ahead."),
    CaseErrorCode.MESSAGE_REQUIRED: _("Write what the applicant should send or explain."),
    CaseErrorCode.NO_OPEN_REQUEST: _("There is no open request for information to answer."),
    CaseErrorCode.NOT_AN_OFFICER: _("This person cannot be given cases of this stage."),
    CaseErrorCode.NOTIFICATION_ALREADY_RECORDED: _("This notification has already been recorded."),
    CaseErrorCode.NOTIFICATION_DATE_OUT_OF_RANGE: _(
        "Enter a date from the day the notification window opened up to today."
    ),
    CaseErrorCode.ANSWER_REQUIRED: _("Write your answer to the request."),
    CaseErrorCode.TOO_MANY_FILES: _("Too many files for one answer."),
    CaseErrorCode.TOO_MANY_DRAFTS: _(
        "You already have as many drafts under this programme as one person may. Continue one of them from My applications."
    ),
    CaseErrorCode.IDEMPOTENCY_KEY_REUSED: _(
        "This Idempotency-Key was used for another application."
    ),
    CaseErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT: _(
        "A request with this Idempotency-Key is still being processed. "
        "Nothing was changed; send it again in a moment."
    ),
}


class CaseError(Exception):
    def __init__(self, code: CaseErrorCode, detail: object = None) -> None:
        super().__init__(code.value)
        self.code = code
        self.detail = detail

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])
