"""Load programmes from ``programmes/<id>/programme.yaml`` and ``parameters.yaml``.

Every value is checked (dates, types, country codes, references) and a
mistake fails loudly, naming the file and the key.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from haven.rules.nationality import NationalityKind, UnknownNationalityCode, parse_nationality
from haven.rules.parameters import Parameter, ParameterType, ParameterValue
from haven.rules.programme import LANGUAGES, Programme, ProgrammeStatus, Stage
from haven.rules.references import LegalReference

PROGRAMMES_DIR = Path(__file__).resolve().parent / "programmes"
STAGE_KINDS = ("decision", "event", "commission", "external_check")
ISSUED_KINDS = ("", "visa", "trp", "residence_permit")
DURATION_UNITS = ("years", "months", "days")

# The parameters each rule set reads; a programme using it must define them.
REQUIRED_PARAMETERS: dict[str, tuple[str, ...]] = {
    "designated-states": (
        "applications_open",
        "designated_states",
        "excluded_citizenships",
        "dual_nationality_qualifies",
        "counted_nationality_classes",
        "residence_route_kinds",
        "residence_route_stages",
    ),
    "persecution": (
        "applications_open",
        "qualifying_states",
        "excluded_citizenships",
        "commission_review_required",
    ),
    "open-to-foreigners": (
        "applications_open",
        "excluded_citizenships",
        "commission_review_required",
    ),
}


class RulesDataError(ValueError):
    def __init__(self, path: Path, key: str, message: str) -> None:
        super().__init__(f"{path}: {key}: {message}")
        self.path = path
        self.key = key


class _Checker:
    """Checks values against their declared types, naming where a mistake is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: Any = None

    def load(self) -> _Checker:
        path = self.path
        try:
            self.data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise RulesDataError(path, "(file)", f"not valid YAML: {error}") from None
        except ValueError as error:  # e.g. an impossible unquoted date such as 2024-09-31
            raise RulesDataError(path, "(file)", f"holds an impossible value: {error}") from None
        except OSError as error:
            raise RulesDataError(path, "(file)", f"cannot be read: {error}") from None
        if not isinstance(self.data, dict):
            raise RulesDataError(path, "(file)", "must hold a mapping")
        return self

    def fail(self, key: str, message: str) -> RulesDataError:
        return RulesDataError(self.path, key, message)

    def field(self, mapping: Any, key: str, name: str, kind: type | tuple[type, ...]) -> Any:
        if not isinstance(mapping, dict) or name not in mapping:
            raise self.fail(f"{key}.{name}" if key else name, "is missing")
        value = mapping[name]
        if not isinstance(value, kind):
            expected = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            raise self.fail(f"{key}.{name}" if key else name, f"must be {expected}")
        return value

    def date(self, value: Any, key: str) -> date:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(key, f"{value!r} is not a date (YYYY-MM-DD)")

    def texts(self, mapping: Any, key: str) -> dict[str, str]:
        if not isinstance(mapping, dict):
            raise self.fail(key, "must map each language to a text")
        missing = [lang for lang in LANGUAGES if not isinstance(mapping.get(lang), str)]
        if missing:
            raise self.fail(key, f"has no text for {', '.join(missing)}")
        return {lang: mapping[lang] for lang in LANGUAGES}

    def reference(self, mapping: Any, key: str) -> LegalReference:
        act = self.field(mapping, key, "act", str)
        when = mapping.get("date")
        for name in ("article", "url", "interpretation"):
            if mapping.get(name) is not None and not isinstance(mapping[name], str):
                raise self.fail(f"{key}.{name}", "must be text")
        unknown = set(mapping) - {"act", "date", "article", "url", "interpretation"}
        if unknown:
            raise self.fail(key, f"unknown fields {sorted(unknown)}")
        return LegalReference(
            act=act,
            date=self.date(when, f"{key}.date") if when is not None else None,
            article=mapping.get("article"),
            url=mapping.get("url"),
            interpretation=mapping.get("interpretation"),
        )

    def typed_value(self, kind: ParameterType, value: Any, key: str) -> Any:
        if kind == ParameterType.BOOLEAN:
            if not isinstance(value, bool):
                raise self.fail(key, "must be true or false")
            return value
        if kind == ParameterType.DATE:
            return self.date(value, key)
        if kind == ParameterType.INTEGER:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise self.fail(key, "must be a whole number, not negative")
            return value
        if kind == ParameterType.MONEY:
            amount = self.field(value, key, "amount", int)
            currency = self.field(value, key, "currency", str)
            if amount < 0 or len(currency) != 3 or not currency.isupper():
                raise self.fail(key, "needs a positive amount and an ISO 4217 currency")
            return {"amount": amount, "currency": currency}
        if kind == ParameterType.DURATION:
            if (
                not isinstance(value, dict)
                or len(value) != 1
                or next(iter(value)) not in (DURATION_UNITS)
            ):
                raise self.fail(key, f"must be one of {DURATION_UNITS} with a number")
            unit, amount = next(iter(value.items()))
            if not isinstance(amount, int) or amount <= 0:
                raise self.fail(f"{key}.{unit}", "must be a positive whole number")
            return {unit: amount}
        if kind == ParameterType.DURATION_RANGE:
            low = self.field(value, key, "min_days", int)
            high = self.field(value, key, "max_days", int)
            if not 0 < low <= high:
                raise self.fail(key, "needs 0 < min_days <= max_days")
            return {"min_days": low, "max_days": high}
        if kind == ParameterType.COUNTRY_LIST:
            return self.country_list(value, key)
        if kind == ParameterType.CODE_LIST:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise self.fail(key, "must be a list of codes")
            if len(set(value)) != len(value):
                raise self.fail(key, "lists a code twice")
            return tuple(value)
        if kind == ParameterType.TEXT:
            return self.texts(value, key)
        if kind == ParameterType.GROUNDS:
            return self.grounds(value, key)
        raise self.fail(key, f"unknown type {kind}")  # pragma: no cover

    def grounds(self, value: Any, key: str) -> tuple[dict[str, Any], ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a list of grounds, each with code, article and title")
        grounds = []
        for index, entry in enumerate(value):
            where = f"{key}[{index}]"
            code = self.field(entry, where, "code", str)
            if not code.replace("_", "").isalnum() or not code.islower():
                raise self.fail(f"{where}.code", "must be lower-case letters, digits and _")
            grounds.append(
                {
                    "code": code,
                    "article": self.field(entry, where, "article", str),
                    "title": self.texts(entry.get("title"), f"{where}.title"),
                }
            )
        codes = [ground["code"] for ground in grounds]
        if len(set(codes)) != len(codes):
            raise self.fail(key, "lists a code twice")
        return tuple(grounds)

    def country_list(self, value: Any, key: str) -> frozenset[str]:
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of ISO 3166 alpha-2 codes")
        codes = []
        for index, code in enumerate(value):
            where = f"{key}[{index}]"
            if not isinstance(code, str):
                raise self.fail(where, "must be a code")
            try:
                parsed = parse_nationality(code)
            except UnknownNationalityCode:
                raise self.fail(where, f"{code!r} is not a known country code") from None
            if parsed.kind != NationalityKind.STATE or parsed.code != code:
                raise self.fail(where, f"{code!r} must be written as ISO alpha-2 {parsed.code!r}")
            codes.append(code)
        if len(set(codes)) != len(codes):
            raise self.fail(key, "lists a country twice")
        return frozenset(codes)


def _load_parameters(reader: _Checker) -> dict[str, Parameter]:
    parameters = {}
    for name, spec in reader.data.items():
        if not isinstance(spec, dict):
            raise reader.fail(name, "must be a mapping with type, description and values")
        type_name = reader.field(spec, name, "type", str)
        try:
            kind = ParameterType(type_name)
        except ValueError:
            raise reader.fail(f"{name}.type", f"unknown type {type_name!r}") from None
        description = reader.field(spec, name, "description", str)
        entries = reader.field(spec, name, "values", list)
        values: list[ParameterValue] = []
        for index, entry in enumerate(entries):
            key = f"{name}.values[{index}]"
            if not isinstance(entry, dict) or "value" not in entry:
                raise reader.fail(key, "must have from, value and reference")
            valid_from = reader.date(reader.field(entry, key, "from", (date, str)), f"{key}.from")
            value = reader.typed_value(kind, entry["value"], f"{key}.value")
            reference = reader.reference(
                reader.field(entry, key, "reference", dict), key + ".reference"
            )
            note = entry.get("note")
            if values and valid_from <= values[-1].valid_from:
                raise reader.fail(f"{key}.from", "dates must increase down the list")
            values.append(ParameterValue(valid_from, value, reference, note))
        parameters[name] = Parameter(name, kind, description, tuple(values))
    return parameters


def load_programme(directory: Path) -> Programme:
    reader = _Checker(directory / "programme.yaml").load()
    data = reader.data
    programme_id = reader.field(data, "", "id", str)
    if programme_id != directory.name:
        raise reader.fail("id", f"must match its folder name {directory.name!r}")
    status_name = reader.field(data, "", "status", str)
    try:
        status = ProgrammeStatus(status_name)
    except ValueError:
        raise reader.fail("status", f"must be in_force or draft, not {status_name!r}") from None
    eligibility = reader.field(data, "", "eligibility", str)
    if eligibility not in REQUIRED_PARAMETERS:
        raise reader.fail("eligibility", f"unknown rule set {eligibility!r}")
    stages = []
    for index, spec in enumerate(reader.field(data, "", "stages", list)):
        key = f"stages[{index}]"
        kind = reader.field(spec, key, "kind", str)
        if kind not in STAGE_KINDS:
            raise reader.fail(f"{key}.kind", f"must be one of {STAGE_KINDS}")
        stages.append(
            Stage(
                id=reader.field(spec, key, "id", str),
                kind=kind,
                authority=reader.field(spec, key, "authority", str),
                title=reader.texts(spec.get("title"), f"{key}.title"),
                issues=_issued_kind(reader, spec, key),
            )
        )
    if not stages:
        raise reader.fail("stages", "must list at least one stage")
    stage_ids = [stage.id for stage in stages]
    if len(set(stage_ids)) != len(stage_ids):
        raise reader.fail("stages", "lists a stage id twice")
    parameters = _load_parameters(_Checker(directory / "parameters.yaml").load())
    for name, parameter in parameters.items():
        if not name.endswith("_stages"):
            continue
        for index, value in enumerate(parameter.values):
            unknown = [stage for stage in value.value if stage not in stage_ids]
            if unknown:
                raise RulesDataError(
                    directory / "parameters.yaml",
                    f"{name}.values[{index}].value",
                    f"names stages the programme does not have: {unknown}",
                )
    missing = [name for name in REQUIRED_PARAMETERS[eligibility] if name not in parameters]
    if missing:
        raise RulesDataError(
            directory / "parameters.yaml", ", ".join(missing), f"required by {eligibility}"
        )
    return Programme(
        id=programme_id,
        status=status,
        eligibility=eligibility,
        title=reader.texts(data.get("title"), "title"),
        summary=reader.texts(data.get("summary"), "summary"),
        legal_basis=reader.reference(reader.field(data, "", "legal_basis", dict), "legal_basis"),
        stages=tuple(stages),
        parameters=parameters,
    )


def _issued_kind(reader: _Checker, spec: Any, key: str) -> str:
    issues = spec.get("issues", "")
    if issues not in ISSUED_KINDS:
        raise reader.fail(f"{key}.issues", f"must be one of {ISSUED_KINDS}")
    return str(issues)


def check_value(kind: ParameterType, value: Any, source: str) -> Any:
    """A value for a parameter of this type, checked as the loader checks files."""
    return _Checker(Path(source)).typed_value(kind, value, "value")


@cache
def load_programmes(directory: Path = PROGRAMMES_DIR) -> dict[str, Programme]:
    """Every programme shipped with Haven, by id (loaded once per process)."""
    return {
        path.name: load_programme(path)
        for path in sorted(directory.iterdir())
        if (path / "programme.yaml").is_file()
    }
