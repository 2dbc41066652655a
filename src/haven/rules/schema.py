"""What a programme's files may say: their shapes, and the checks of each type of value.

``programme.yaml`` is a ``ProgrammeFile``. Each entry of ``parameters.yaml`` is
read in two steps: ``ParameterHead`` finds its declared type, then
``PARAMETER_FILES[type]`` checks it with its values typed by ``VALUE_TYPES``.
The checks are pydantic's; each refusal names the value it refuses in words a
policy officer can act on, and ``haven.rules.loader`` adds the file and key.
Checks across entries (dates increasing, stages named, parameters present) are
the loader's.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StrictStr,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    with_config,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from haven.rules.durations import DURATION_UNITS
from haven.rules.nationality import NationalityKind, UnknownNationalityCode, parse_nationality
from haven.rules.parameters import ParameterType
from haven.rules.programme import LANGUAGES, ProgrammeStatus
from haven.rules.references import LegalReference
from haven.rules.stages import IssuedKind, Stage, StageKind

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

# The parameters every programme defines, whatever its rule set and stages, with their types.
# ``personal_data_retention``: how long after a case closed its personal data is kept
# (read by the daily checks, ``haven.casework.retention``).
PROGRAMME_PARAMETERS: dict[str, ParameterType] = {
    "personal_data_retention": ParameterType.DURATION,
}

# Mappings in the files: values exactly as typed (no "1" for 1) and no unknown fields.
MAPPING = ConfigDict(strict=True, extra="forbid")


def shown(value: Any) -> str:
    """A value much as YAML writes it, shortened: ``'DEU'``, ``{months: 3}``, ``true``."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        items = [f"{key}: {shown(item)}" for key, item in list(value.items())[:4]]
        return "{" + ", ".join(items + ["..."] * (len(value) > 4)) + "}"
    if isinstance(value, list | tuple):
        items = [shown(item) for item in value[:5]]
        return "[" + ", ".join(items + ["..."] * (len(value) > 5)) + "]"
    return repr(value)


def refusal(message: str) -> PydanticCustomError:
    """A refusal in Haven's words, which pydantic reports as written."""
    return PydanticCustomError("haven", "{message}", {"message": message})


# --- Single values.


def _date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise refusal(f"{shown(value)} is not a date (YYYY-MM-DD)")


def _words(value: Any) -> str:
    if not isinstance(value, str):
        raise refusal(f"must be text, not {shown(value)}")
    if not value.strip():
        raise refusal("is empty")
    return value


def _code(value: Any) -> str:
    if isinstance(value, str) and value.replace("_", "").isalnum() and value.islower():
        return value
    raise refusal(f"must be lower-case letters, digits and _, not {shown(value)}")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise refusal(f"must be true or false, not {shown(value)}")


def _whole_number(least: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and value >= least:
            return value
        raise refusal(f"must be a whole number, {least} or more, not {shown(value)}")

    return check


def _currency(value: Any) -> str:
    if (
        isinstance(value, str)
        and len(value) == 3
        and value.isascii()
        and value.isalpha()
        and value.isupper()
    ):
        return value
    raise refusal(f"must be an ISO 4217 currency code such as RUB, not {shown(value)}")


def _texts(value: Any) -> dict[str, str]:
    """A text in every language Haven speaks, in the order of ``LANGUAGES``."""
    if not isinstance(value, dict):
        raise refusal(f"must give a text for each of {', '.join(LANGUAGES)}, not {shown(value)}")
    unknown = [shown(key) for key in value if key not in LANGUAGES]
    if unknown:
        raise refusal(f"has texts for {', '.join(unknown)}; Haven's languages are {LANGUAGES}")
    missing = [lang for lang in LANGUAGES if not isinstance(value.get(lang), str)]
    if missing:
        found = [f"{lang} is {shown(value[lang])}" for lang in missing if lang in value]
        details = f" ({', '.join(found)})" if found else ""
        raise refusal(f"has no text for {', '.join(missing)}{details}")
    empty = [lang for lang in LANGUAGES if not value[lang].strip()]
    if empty:
        raise refusal(f"has an empty text for {', '.join(empty)}")
    return {lang: value[lang] for lang in LANGUAGES}


def _country_code(value: Any) -> str:
    if isinstance(value, bool):  # YAML 1.1 reads an unquoted NO (Norway) as false
        raise refusal(f'must be a country code, not {shown(value)}; quote codes such as "NO"')
    if not isinstance(value, str):
        raise refusal(f"must be a country code, not {shown(value)}")
    try:
        parsed = parse_nationality(value)
    except UnknownNationalityCode:
        raise refusal(f"{value!r} is not a known country code") from None
    if parsed.kind != NationalityKind.STATE:
        raise refusal(f"{value!r} is not a state: it marks a document without one ({parsed.kind})")
    if parsed.code != value:
        raise refusal(f"{value!r} must be written as ISO alpha-2 {parsed.code!r}")
    return value


EnumT = TypeVar("EnumT", bound=enum.Enum)


def _one_of(kind: type[EnumT]) -> PlainValidator:
    """Accepts a member's value; the empty member, where there is one, means "left out"."""

    def check(value: Any) -> EnumT:
        if isinstance(value, str):
            try:
                return kind(value)
            except ValueError:
                pass
        options = ", ".join(repr(member.value) for member in kind if member.value)
        if any(member.value == "" for member in kind):
            options += " (or left out)"
        raise refusal(f"must be one of {options}, not {shown(value)}")

    return PlainValidator(check)


def _rule_set(value: Any) -> str:
    if isinstance(value, str) and value in REQUIRED_PARAMETERS:
        return value
    raise refusal(
        f"must be a rule set Haven has ({', '.join(REQUIRED_PARAMETERS)}), not {shown(value)}"
    )


Day = Annotated[date, PlainValidator(_date)]
Words = Annotated[str, PlainValidator(_words)]  # text that says something
Code = Annotated[str, PlainValidator(_code)]
Texts = Annotated[dict[str, str], PlainValidator(_texts)]
Boolean = Annotated[bool, PlainValidator(_boolean)]
Count = Annotated[int, PlainValidator(_whole_number(0))]
Positive = Annotated[int, PlainValidator(_whole_number(1))]
Currency = Annotated[str, PlainValidator(_currency)]
CountryCode = Annotated[str, PlainValidator(_country_code)]


# --- Values made of several parts.


@with_config(MAPPING)
class Money(TypedDict):
    amount: Count
    currency: Currency


@with_config(MAPPING)
class DurationParts(TypedDict, total=False):
    years: Positive
    months: Positive
    days: Positive


def _one_unit(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in DURATION_UNITS:
        return value
    units = ", ".join(DURATION_UNITS)
    raise refusal(f"must be one of {units} with a number, e.g. {{months: 3}}, not {shown(value)}")


@with_config(MAPPING)
class DayRange(TypedDict):
    min_days: Count
    max_days: Count


def _ordered(value: DayRange) -> DayRange:
    if 0 < value["min_days"] <= value["max_days"]:
        return value
    low, high = value["min_days"], value["max_days"]
    raise refusal(f"needs 0 < min_days <= max_days, not min_days {low} and max_days {high}")


@with_config(MAPPING)
class Ground(TypedDict):
    """A ground for a decision; the act is the value's reference."""

    code: Code
    article: Words
    title: Texts


def _once_each(noun: str) -> Callable[[list[Any]], list[Any]]:
    def check(values: list[Any]) -> list[Any]:
        seen: set[Any] = set()
        for value in values:
            if value in seen:
                raise refusal(f"lists the {noun} {shown(value)} twice")
            seen.add(value)
        return values

    return check


def _grounds(grounds: list[Ground]) -> tuple[Ground, ...]:
    if not grounds:
        raise refusal("must list at least one ground, each with code, article and title")
    _once_each("code")([ground["code"] for ground in grounds])
    return tuple(grounds)


Duration = Annotated[DurationParts, BeforeValidator(_one_unit)]  # {unit: amount}
DurationRange = Annotated[DayRange, AfterValidator(_ordered)]
# Lists are checked as written (to name a repeated entry), then kept as a set or tuple.
CountryList = Annotated[
    list[CountryCode], AfterValidator(_once_each("country")), AfterValidator(frozenset)
]
CodeList = Annotated[list[StrictStr], AfterValidator(_once_each("code")), AfterValidator(tuple)]
Grounds = Annotated[list[Ground], AfterValidator(_grounds)]

# The Python value each parameter type holds, as the rules read it.
VALUE_TYPES: dict[ParameterType, Any] = {
    ParameterType.BOOLEAN: Boolean,
    ParameterType.DATE: Day,
    ParameterType.INTEGER: Count,
    ParameterType.MONEY: Money,
    ParameterType.DURATION: Duration,
    ParameterType.DURATION_RANGE: DurationRange,
    ParameterType.COUNTRY_LIST: CountryList,
    ParameterType.CODE_LIST: CodeList,
    ParameterType.TEXT: Texts,
    ParameterType.GROUNDS: Grounds,
}


# --- The files.


class FileMapping(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Reference(FileMapping):
    act: Words
    date: Day | None = None
    article: Words | None = None
    url: Words | None = None
    interpretation: Words | None = None  # set when the value is a reading of unclear law

    def legal_reference(self) -> LegalReference:
        return LegalReference(
            act=self.act,
            date=self.date,
            article=self.article,
            url=self.url,
            interpretation=self.interpretation,
        )


V = TypeVar("V")


class DatedValue(FileMapping, Generic[V]):
    valid_from: Day = Field(alias="from")
    value: V
    reference: Reference
    note: Words | None = None


class ParameterHead(BaseModel):
    """Just the declared type, to know how to read the rest."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    type: Annotated[ParameterType, _one_of(ParameterType)]


class ParameterFile(FileMapping, Generic[V]):
    """One entry of ``parameters.yaml`` (the loader checks that its dates increase)."""

    type: Annotated[ParameterType, _one_of(ParameterType)]
    description: Words
    values: list[DatedValue[V]]


class StageSpec(FileMapping):
    id: Code
    kind: Annotated[StageKind, _one_of(StageKind)]
    authority: Code
    title: Texts
    issues: Annotated[IssuedKind, _one_of(IssuedKind)] = IssuedKind.NOTHING

    def stage(self) -> Stage:
        return Stage(
            id=self.id,
            kind=self.kind,
            authority=self.authority,
            title=self.title,
            issues=self.issues,
        )


class ProgrammeFile(FileMapping):
    """``programme.yaml``; validate with ``context={"folder": <folder name>}``."""

    id: Words
    status: Annotated[ProgrammeStatus, _one_of(ProgrammeStatus)]
    eligibility: Annotated[str, PlainValidator(_rule_set)]
    title: Texts
    summary: Texts
    legal_basis: Reference
    stages: list[StageSpec]

    @field_validator("id")
    @classmethod
    def _names_its_folder(cls, value: str, info: ValidationInfo) -> str:
        folder = (info.context or {}).get("folder")
        if folder is not None and value != folder:
            raise refusal(f"{value!r} must match its folder name {folder!r}")
        return value

    @field_validator("stages")
    @classmethod
    def _stages_once_each(cls, stages: list[StageSpec]) -> list[StageSpec]:
        if not stages:
            raise refusal("must list at least one stage")
        _once_each("stage id")([stage.id for stage in stages])
        return stages


PROGRAMME_FILE = TypeAdapter(ProgrammeFile)
PARAMETER_HEAD = TypeAdapter(ParameterHead)
PARAMETER_FILES: dict[ParameterType, TypeAdapter[ParameterFile[Any]]] = {
    # The value type is data here, which mypy cannot follow.
    kind: TypeAdapter(ParameterFile[value_type])  # type: ignore[valid-type]
    for kind, value_type in VALUE_TYPES.items()
}
VALUES: dict[ParameterType, TypeAdapter[Any]] = {
    kind: TypeAdapter(value_type) for kind, value_type in VALUE_TYPES.items()
}
