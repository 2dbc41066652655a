"""Load programmes from ``programmes/<id>/programme.yaml`` and ``parameters.yaml``.

Every value is checked (dates, types, country codes, references: see
``haven.rules.schema``), and so is what the programme as a whole needs: the
parameters its rule set and its stages read (``haven.rules.stages``). A mistake
fails loudly with ``RulesDataError``, naming the file, the key and the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from haven.rules.parameters import Parameter, ParameterType, ParameterValue
from haven.rules.programme import Programme
from haven.rules.schema import (
    PARAMETER_FILES,
    PARAMETER_HEAD,
    PROGRAMME_FILE,
    PROGRAMME_PARAMETERS,
    REQUIRED_PARAMETERS,
    VALUES,
    DatedValue,
    shown,
)
from haven.rules.stages import Stage, stage_requirements

__all__ = [
    "PROGRAMMES_DIR",
    "REQUIRED_PARAMETERS",
    "RulesDataError",
    "check_value",
    "load_programme",
    "load_programmes",
]

PROGRAMMES_DIR = Path(__file__).resolve().parent / "programmes"

T = TypeVar("T")

# How pydantic's own refusals read; Haven's checks word theirs themselves.
_EXPECTED = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
}


class RulesDataError(ValueError):
    def __init__(self, path: Path, key: str, message: str) -> None:
        super().__init__(f"{path}: {key}: {message}")
        self.path = path
        self.key = key


def _key(location: Sequence[int | str]) -> str:
    """``("stages", 1, "kind")`` as ``stages[1].kind``."""
    key = ""
    for part in location:
        key += f"[{part}]" if isinstance(part, int) else f".{part}" if key else part
    return key or "(file)"


def _message(error: ErrorDetails) -> str:
    if error["type"] == "missing":
        return "is missing"
    if error["type"] in _EXPECTED:
        return f"{_EXPECTED[error['type']]}, not {shown(error['input'])}"
    if error["type"] == "haven":
        return error["msg"]
    return f"{error['msg']}, not {shown(error['input'])}"  # pragma: no cover


def _data_error(path: Path, error: ValidationError, within: tuple[str, ...]) -> RulesDataError:
    """The first mistake pydantic found, named by file and key."""
    errors = error.errors()
    first = errors[0]
    if first["type"] == "extra_forbidden":  # reported once, on the mapping that has them
        mapping = first["loc"][:-1]
        unknown = [
            str(each["loc"][-1])
            for each in errors
            if each["type"] == "extra_forbidden" and each["loc"][:-1] == mapping
        ]
        return RulesDataError(path, _key((*within, *mapping)), f"has unknown fields {unknown}")
    return RulesDataError(path, _key((*within, *first["loc"])), _message(first))


def _checked(
    path: Path,
    adapter: TypeAdapter[T],
    data: Any,
    *,
    within: tuple[str, ...] = (),
    context: dict[str, Any] | None = None,
) -> T:
    try:
        return adapter.validate_python(data, context=context)
    except ValidationError as error:
        raise _data_error(path, error, within) from None


def _read(path: Path) -> dict[Any, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RulesDataError(path, "(file)", f"not valid YAML: {error}") from None
    except ValueError as error:  # e.g. an impossible unquoted date such as 2024-09-31
        raise RulesDataError(path, "(file)", f"holds an impossible value: {error}") from None
    except OSError as error:
        raise RulesDataError(path, "(file)", f"cannot be read: {error}") from None
    if not isinstance(data, dict):
        raise RulesDataError(path, "(file)", f"must hold a mapping, not {shown(data)}")
    return data


def _dated_values(
    path: Path, name: str, entries: list[DatedValue[Any]]
) -> tuple[ParameterValue, ...]:
    for index, (earlier, later) in enumerate(pairwise(entries), start=1):
        if later.valid_from <= earlier.valid_from:
            raise RulesDataError(
                path,
                f"{name}.values[{index}].from",
                f"{shown(later.valid_from)} is not after {shown(earlier.valid_from)}: "
                "dates must increase down the list",
            )
    return tuple(
        ParameterValue(entry.valid_from, entry.value, entry.reference.legal_reference(), entry.note)
        for entry in entries
    )


def _load_parameters(path: Path) -> dict[str, Parameter]:
    parameters = {}
    for name, spec in _read(path).items():
        if not isinstance(name, str):
            raise RulesDataError(path, shown(name), "must be a parameter's name, written as text")
        kind = _checked(path, PARAMETER_HEAD, spec, within=(name,)).type
        parsed = _checked(path, PARAMETER_FILES[kind], spec, within=(name,))
        values = _dated_values(path, name, parsed.values)
        parameters[name] = Parameter(name, kind, parsed.description, values)
    return parameters


def _check_stage_lists(
    path: Path, parameters: dict[str, Parameter], stages: Sequence[Stage]
) -> None:
    """A ``*_stages`` parameter names only stages the programme has."""
    stage_ids = [stage.id for stage in stages]
    for name, parameter in parameters.items():
        if not name.endswith("_stages") or parameter.type != ParameterType.CODE_LIST:
            continue
        for index, value in enumerate(parameter.values):
            unknown = [stage for stage in value.value if stage not in stage_ids]
            if unknown:
                raise RulesDataError(
                    path,
                    f"{name}.values[{index}].value",
                    f"names stages the programme does not have: {unknown} (it has {stage_ids})",
                )


def _check_required(
    path: Path, parameters: dict[str, Parameter], eligibility: str, stages: Sequence[Stage]
) -> None:
    """The parameters every programme, the rule set and the stages read are there, typed right."""
    for name, kind in PROGRAMME_PARAMETERS.items():
        if name not in parameters:
            raise RulesDataError(path, name, "is missing: every programme defines it")
        if parameters[name].type != kind:
            raise RulesDataError(
                path, f"{name}.type", f"must be {kind}, not {parameters[name].type}"
            )
    missing = [name for name in REQUIRED_PARAMETERS[eligibility] if name not in parameters]
    if missing:
        raise RulesDataError(
            path, ", ".join(missing), f"is missing: required by {eligibility}, the rule set"
        )
    needed = stage_requirements(stages)
    missing = [name for name in needed if name not in parameters]
    if missing:
        also = f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""
        raise RulesDataError(path, missing[0], f"is missing: {needed[missing[0]].reason()}{also}")
    for name, requirement in needed.items():
        if parameters[name].type != requirement.type:
            raise RulesDataError(
                path,
                f"{name}.type",
                f"must be {requirement.type}, not {parameters[name].type}: {requirement.reason()}",
            )


def load_programme(directory: Path) -> Programme:
    programme_path = directory / "programme.yaml"
    spec = _checked(
        programme_path, PROGRAMME_FILE, _read(programme_path), context={"folder": directory.name}
    )
    stages = tuple(stage.stage() for stage in spec.stages)
    parameters_path = directory / "parameters.yaml"
    parameters = _load_parameters(parameters_path)
    _check_stage_lists(parameters_path, parameters, stages)
    _check_required(parameters_path, parameters, spec.eligibility, stages)
    return Programme(
        id=spec.id,
        status=spec.status,
        eligibility=spec.eligibility,
        title=spec.title,
        summary=spec.summary,
        legal_basis=spec.legal_basis.legal_reference(),
        stages=stages,
        parameters=parameters,
    )


def check_value(kind: ParameterType, value: Any, source: str) -> Any:
    """A value for a parameter of this type, checked as the loader checks files."""
    return _checked(Path(source), VALUES[kind], value, within=("value",))


@cache
def load_programmes(directory: Path = PROGRAMMES_DIR) -> dict[str, Programme]:
    """Every programme shipped with Haven, by id (loaded once per process)."""
    return {
        path.name: load_programme(path)
        for path in sorted(directory.iterdir())
        if (path / "programme.yaml").is_file()
    }
