"""How a list of states changed over time: each dated value against the one before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from haven.rules.parameters import Parameter, ParameterType
from haven.rules.references import LegalReference


@dataclass(frozen=True)
class ListChange:
    """One dated value of a country list and what it changed.

    The first value of a list adds every state on it (``first`` is true).
    """

    valid_from: date
    reference: LegalReference
    added: frozenset[str]
    removed: frozenset[str]
    size: int
    first: bool

    @property
    def unchanged(self) -> bool:
        return not self.added and not self.removed


def list_changes(parameter: Parameter) -> tuple[ListChange, ...]:
    """Every dated value of a country list with the states added and removed, oldest first."""
    if parameter.type != ParameterType.COUNTRY_LIST:
        raise ValueError(f"{parameter.name} is not a list of states")
    changes = []
    previous: frozenset[str] = frozenset()
    for index, value in enumerate(parameter.values):
        current = frozenset(value.value)
        changes.append(
            ListChange(
                valid_from=value.valid_from,
                reference=value.reference,
                added=current - previous,
                removed=previous - current,
                size=len(current),
                first=index == 0,
            )
        )
        previous = current
    return tuple(changes)
