"""The one error of backing up and restoring, and the exit status each kind gives."""

from __future__ import annotations


class OperationError(Exception):
    """What stopped a backup or a restore, in words fit for the operator's terminal.

    Messages name files, tables and documents' public ids, never a person.
    """

    exit_status = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OperationRefused(OperationError):
    """The place to write to is not one Haven may write to; nothing was changed."""

    exit_status = 2


class OperationFailed(OperationError):
    """The backup or the copy does not hold together, or a tool failed."""

    exit_status = 1
