"""Effective-dated parameters: each value applies from its date until the next one."""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from haven.rules.references import LegalReference


class ParameterType(enum.StrEnum):
    BOOLEAN = "boolean"
    DATE = "date"
    INTEGER = "integer"
    MONEY = "money"  # {"amount": int, "currency": "RUB"}
    DURATION = "duration"  # {"years": n} | {"months": n} | {"days": n}
    DURATION_RANGE = "duration_range"  # {"min_days": n, "max_days": n}
    COUNTRY_LIST = "country_list"  # ISO alpha-2 codes
    CODE_LIST = "code_list"  # Haven's own codes (documents, waived requirements, ...)
    TEXT = "text"  # {"en": ..., "ru": ..., ...}
    # Grounds for a decision: [{"code": ..., "article": ..., "title": {"en": ..., ...}}],
    # the act being the value's reference.
    GROUNDS = "grounds"


@dataclass(frozen=True)
class ParameterValue:
    valid_from: date
    value: Any
    reference: LegalReference
    note: str | None = None


@dataclass(frozen=True)
class Parameter:
    name: str
    type: ParameterType
    description: str
    values: tuple[ParameterValue, ...]  # sorted by valid_from
    _starts: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(v.valid_from for v in self.values))

    def at(self, on_date: date) -> ParameterValue | None:
        """The value in force on the date, or None before the first one."""
        index = bisect.bisect_right(self._starts, on_date) - 1
        return self.values[index] if index >= 0 else None

    def with_value(self, new: ParameterValue) -> Parameter:
        """A copy with one more dated value (replacing one of the same date)."""
        kept = [v for v in self.values if v.valid_from != new.valid_from]
        return Parameter(
            self.name,
            self.type,
            self.description,
            tuple(sorted([*kept, new], key=lambda v: v.valid_from)),
        )
