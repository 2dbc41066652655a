"""A programme: its status, stages and parameters, as loaded from its YAML files."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date

from haven.rules.parameters import Parameter, ParameterValue
from haven.rules.references import LegalReference
from haven.rules.stages import IssuedKind, Stage, StageKind

__all__ = [
    "LANGUAGES",
    "IssuedKind",
    "Programme",
    "ProgrammeStatus",
    "Stage",
    "StageKind",
]

LANGUAGES = ("en", "ru", "de", "fr", "it", "es")


class ProgrammeStatus(enum.StrEnum):
    IN_FORCE = "in_force"
    DRAFT = "draft"


@dataclass(frozen=True)
class Programme:
    id: str
    status: ProgrammeStatus
    eligibility: str  # the rule set, e.g. "designated-states"
    title: dict[str, str]
    summary: dict[str, str]
    legal_basis: LegalReference
    stages: tuple[Stage, ...]
    parameters: dict[str, Parameter]

    def stage(self, stage_id: str | None) -> Stage:
        if stage_id is None:
            return self.stages[0]
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def parameter(self, name: str) -> Parameter:
        return self.parameters[name]

    def value(self, name: str, on_date: date) -> ParameterValue | None:
        return self.parameters[name].at(on_date)

    def optional_value(self, name: str, on_date: date) -> ParameterValue | None:
        """Like ``value``, for parameters only some programmes define."""
        parameter = self.parameters.get(name)
        return parameter.at(on_date) if parameter else None

    def with_parameter_value(self, name: str, new: ParameterValue) -> Programme:
        parameters = dict(self.parameters)
        parameters[name] = parameters[name].with_value(new)
        return replace(self, parameters=parameters)

    def localised(self, texts: dict[str, str], language: str) -> str:
        return texts.get(language) or texts["en"]
