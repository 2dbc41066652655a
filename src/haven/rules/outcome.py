"""What an evaluation returns: an outcome, reasons with legal references, parameters used."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from haven.rules.messages import render
from haven.rules.references import LegalReference


class Outcome(enum.StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Reason:
    """A stable code, values for its message, and the law it rests on."""

    code: str
    reference: LegalReference | None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str | None = None) -> str:
        return render(self.code, self.params, language)


@dataclass(frozen=True)
class ParameterUse:
    name: str
    value: Any
    valid_from: date
    reference: LegalReference


@dataclass(frozen=True)
class Evaluation:
    programme: str
    stage: str
    on_date: date
    outcome: Outcome
    reasons: tuple[Reason, ...]
    parameters: tuple[ParameterUse, ...]
    simulated: bool = False

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)

    def as_dict(self, language: str | None = None) -> dict[str, Any]:
        """The stable JSON contract of the CLI and the API."""
        return {
            "programme": self.programme,
            "stage": self.stage,
            "date": self.on_date.isoformat(),
            "outcome": self.outcome.value,
            "reasons": [
                {
                    "code": reason.code,
                    "message": reason.message(language),
                    "legal_reference": reason.reference.citation() if reason.reference else None,
                }
                for reason in self.reasons
            ],
            "parameters": {
                use.name: {
                    "value": _jsonable(use.value),
                    "valid_from": use.valid_from.isoformat(),
                    "legal_reference": use.reference.citation(),
                }
                for use in self.parameters
            },
        }

    def to_record(self) -> dict[str, Any]:
        """Everything needed to show this evaluation again later, in any language."""
        return {
            "programme": self.programme,
            "stage": self.stage,
            "date": self.on_date.isoformat(),
            "outcome": self.outcome.value,
            "simulated": self.simulated,
            "reasons": [
                {
                    "code": reason.code,
                    "params": _jsonable(reason.params),
                    "reference": reason.reference.as_dict() if reason.reference else None,
                }
                for reason in self.reasons
            ],
            "parameters": {
                use.name: {
                    "value": _jsonable(use.value),
                    "valid_from": use.valid_from.isoformat(),
                    "reference": use.reference.as_dict(),
                }
                for use in self.parameters
            },
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, frozenset, set)):
        items = [_jsonable(item) for item in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    return value
