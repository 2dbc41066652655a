"""The one error type the movement actions raise; the API turns it into its error shape."""

from __future__ import annotations

import enum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class MovementErrorCode(enum.StrEnum):
    CONFLICT = "CONFLICT"
    IN_THE_FUTURE = "IN_THE_FUTURE"
    NAME_TAKEN = "NAME_TAKEN"
    INVALID_NAME = "INVALID_NAME"
    UNKNOWN_CLIENT = "UNKNOWN_CLIENT"


MESSAGES: dict[MovementErrorCode, Promise] = {
    MovementErrorCode.CONFLICT: _(
        "This event id was already used for a different crossing. Nothing was changed."
    ),
    MovementErrorCode.IN_THE_FUTURE: _("The crossing time is in the future."),
    MovementErrorCode.NAME_TAKEN: _("A client with this name exists already."),
    MovementErrorCode.INVALID_NAME: _(
        "Use 1 to 64 lower-case letters, digits and hyphens for the name."
    ),
    MovementErrorCode.UNKNOWN_CLIENT: _("No client has this name."),
}


class MovementError(Exception):
    def __init__(self, code: MovementErrorCode) -> None:
        super().__init__(code.value)
        self.code = code

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])
