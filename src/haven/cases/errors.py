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
}


class CaseError(Exception):
    def __init__(self, code: CaseErrorCode, detail: object = None) -> None:
        super().__init__(code.value)
        self.code = code
        self.detail = detail

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])
