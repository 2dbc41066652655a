"""The programmes' data shaped for reading, in the reader's language.

Pure functions over a ``Programme`` and plain values: states by their names
(sorted as the reader would sort them), durations, fees and lists in words,
each value with the act it comes from. The pages render what these return;
no rule is decided here.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal, get_currency_name
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.rules.amendments import Operation
from haven.rules.history import ListChange, list_changes
from haven.rules.nationality import country_codes, country_name
from haven.rules.outcome import Evaluation
from haven.rules.parameters import Parameter, ParameterType, ParameterValue
from haven.rules.programme import Programme, ProgrammeStatus
from haven.rules.references import LegalReference
from haven.rules.vocabulary import (
    ELIGIBILITY_LISTS,
    NATIONALITY_WITHOUT_STATE_LABELS,
    OUTCOME_LABELS,
    STATUS_LABELS,
    TIME_AND_COST_PARAMETERS,
    authority_label,
    code_label,
    parameter_label,
)

# A short list of states is named in full where a value is summed up in words.
NAMED_IN_FULL = 5


@dataclass(frozen=True)
class Country:
    code: str
    name: str


def collation_key(text: str) -> str:
    """A sort key that ignores case and accents, so "Österreich" sorts with the O's."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def countries_by_name(codes: Iterable[str], language: str) -> tuple[Country, ...]:
    named = [Country(code, country_name(code, language)) for code in codes]
    return tuple(sorted(named, key=lambda c: (collation_key(c.name), c.code)))


def state_choices(language: str) -> list[tuple[str, str]]:
    """Every state Haven knows, as (ISO alpha-2 code, name), sorted by name."""
    return list(_state_choices(language))


@functools.lru_cache(maxsize=16)
def _state_choices(language: str) -> tuple[tuple[str, str], ...]:
    # The states and their names in a language are fixed data (ISO 3166 and CLDR): sorted
    # once per language, not on every page that offers a list of them.
    return tuple((c.code, c.name) for c in countries_by_name(country_codes(), language))


def nationality_choices(language: str) -> list[tuple[str, Any]]:
    """Choices for a citizenship: documents without a state first, then every state."""
    without_state = [(code, str(label)) for code, label in NATIONALITY_WITHOUT_STATE_LABELS.items()]
    return [
        (_("Without a citizenship"), without_state),
        (_("States and territories"), state_choices(language)),
    ]


def number(value: int, language: str) -> str:
    return str(format_decimal(value, locale=language))


@dataclass(frozen=True)
class ShownValue:
    """A parameter's value in words; lists also item by item."""

    text: str
    countries: tuple[Country, ...] = ()
    items: tuple[str, ...] = ()
    is_country_list: bool = False


def _duration(value: dict[str, int], language: str) -> str:
    unit, amount = next(iter(value.items()))
    count = number(amount, language)
    if unit == "years":
        return ngettext("%(count)s year", "%(count)s years", amount) % {"count": count}
    if unit == "months":
        return ngettext("%(count)s month", "%(count)s months", amount) % {"count": count}
    return ngettext("%(count)s day", "%(count)s days", amount) % {"count": count}


def _list_text(items: Sequence[str]) -> str:
    return "; ".join(items) if items else _("None")


def _show_boolean(programme: Programme, value: Any, language: str) -> ShownValue:
    return ShownValue(_("Yes") if value else _("No"))


def _show_date(programme: Programme, value: Any, language: str) -> ShownValue:
    return ShownValue(str(formats.date_format(value, "DATE_FORMAT")))


def _show_integer(programme: Programme, value: Any, language: str) -> ShownValue:
    return ShownValue(number(value, language))


def _show_money(programme: Programme, value: Any, language: str) -> ShownValue:
    amount, currency = value["amount"], value["currency"]
    name = get_currency_name(currency, count=amount, locale=language)
    return ShownValue(f"{number(amount, language)} {name}")


def _show_duration(programme: Programme, value: Any, language: str) -> ShownValue:
    return ShownValue(_duration(value, language))


def _show_duration_range(programme: Programme, value: Any, language: str) -> ShownValue:
    text = _("%(low)s to %(high)s days") % {
        "low": number(value["min_days"], language),
        "high": number(value["max_days"], language),
    }
    return ShownValue(text)


def _show_country_list(programme: Programme, value: Any, language: str) -> ShownValue:
    countries = countries_by_name(value, language)
    if not countries:
        text = _("None")
    elif len(countries) <= NAMED_IN_FULL:
        text = ", ".join(c.name for c in countries)
    else:
        text = ngettext(
            "%(count)s state or territory", "%(count)s states and territories", len(countries)
        ) % {"count": number(len(countries), language)}
    return ShownValue(text, countries=countries, is_country_list=True)


def _show_code_list(programme: Programme, value: Any, language: str) -> ShownValue:
    stages = {stage.id: programme.localised(stage.title, language) for stage in programme.stages}
    items = tuple(stages.get(code) or code_label(code) for code in value)
    return ShownValue(_list_text(items), items=items)


def _show_text(programme: Programme, value: Any, language: str) -> ShownValue:
    return ShownValue(programme.localised(value, language))


def _show_grounds(programme: Programme, value: Any, language: str) -> ShownValue:
    items = tuple(
        f"{programme.localised(ground['title'], language)} ({ground['article']})"
        for ground in value
    )
    return ShownValue(_list_text(items), items=items)


_SHOW: dict[ParameterType, Callable[[Programme, Any, str], ShownValue]] = {
    ParameterType.BOOLEAN: _show_boolean,
    ParameterType.DATE: _show_date,
    ParameterType.INTEGER: _show_integer,
    ParameterType.MONEY: _show_money,
    ParameterType.DURATION: _show_duration,
    ParameterType.DURATION_RANGE: _show_duration_range,
    ParameterType.COUNTRY_LIST: _show_country_list,
    ParameterType.CODE_LIST: _show_code_list,
    ParameterType.TEXT: _show_text,
    ParameterType.GROUNDS: _show_grounds,
}


def show_value(programme: Programme, kind: ParameterType, value: Any, language: str) -> ShownValue:
    """The value in the reader's language."""
    show = _SHOW.get(kind)
    if show is None:  # pragma: no cover - every type has its way of being shown
        return ShownValue(str(value))
    return show(programme, value, language)


@dataclass(frozen=True)
class Fact:
    """A parameter's value on a date, in words, with its legal reference."""

    name: str
    label: str
    value: ShownValue
    raw: Any  # the value as the rules read it
    valid_from: date
    reference: LegalReference
    note: str | None = None


def fact(programme: Programme, name: str, on_date: date, language: str) -> Fact | None:
    if name not in programme.parameters:
        return None
    parameter = programme.parameter(name)
    value = parameter.at(on_date)
    if value is None:
        return None
    return _fact(programme, parameter, value, language)


def _fact(programme: Programme, parameter: Parameter, value: ParameterValue, language: str) -> Fact:
    return Fact(
        name=parameter.name,
        label=parameter_label(parameter.name, parameter.description),
        value=show_value(programme, parameter.type, value.value, language),
        raw=value.value,
        valid_from=value.valid_from,
        reference=value.reference,
        note=value.note,
    )


@dataclass(frozen=True)
class ShownChange:
    """A dated value of a list of states: the states it added and removed, by name."""

    valid_from: date
    reference: LegalReference
    added: tuple[Country, ...]
    removed: tuple[Country, ...]
    size: int
    first: bool
    in_force: bool  # the value in force on the page's date
    future: bool


def shown_changes(parameter: Parameter, on_date: date, language: str) -> tuple[ShownChange, ...]:
    """The list's changes, newest first."""
    current = parameter.at(on_date)
    return tuple(
        _shown_change(change, current, on_date, language)
        for change in reversed(list_changes(parameter))
    )


def _shown_change(
    change: ListChange, current: ParameterValue | None, on_date: date, language: str
) -> ShownChange:
    return ShownChange(
        valid_from=change.valid_from,
        reference=change.reference,
        added=countries_by_name(change.added, language),
        removed=countries_by_name(change.removed, language),
        size=change.size,
        first=change.first,
        in_force=current is not None and current.valid_from == change.valid_from,
        future=change.valid_from > on_date,
    )


@dataclass(frozen=True)
class LegalAct:
    act: str
    date: date | None
    url: str | None


def legal_acts(programme: Programme) -> tuple[LegalAct, ...]:
    """The programme's legal basis and every act its parameters cite, each once, by date."""
    seen: dict[tuple[str, date | None], LegalAct] = {}
    references = [programme.legal_basis] + [
        value.reference for parameter in programme.parameters.values() for value in parameter.values
    ]
    for reference in references:
        key = (reference.act.strip(), reference.date)
        known = seen.get(key)
        if known is None or (known.url is None and reference.url):
            seen[key] = LegalAct(key[0], reference.date, reference.url)
    # "Decree No. 702 of 19 August 2024" is the same act as "Decree No. 702 of 19 August
    # 2024 "On ..."": keep the fuller citation.
    acts = [
        act
        for act in seen.values()
        if not any(
            other.date == act.date and other.act != act.act and other.act.startswith(act.act)
            for other in seen.values()
        )
    ]
    return tuple(sorted(acts, key=lambda a: (a.date is None, a.date or date.min, a.act)))


@dataclass(frozen=True)
class Stage:
    title: str
    authority: str


@dataclass(frozen=True)
class Rule:
    """One parameter of the programme: its value on the page's date, if any."""

    name: str
    label: str
    value: ShownValue | None
    valid_from: date | None
    next_change: date | None


@dataclass(frozen=True)
class ProgrammeHeader:
    id: str
    title: str
    summary: str
    status: str
    status_label: str
    is_draft: bool


def programme_header(programme: Programme, language: str) -> ProgrammeHeader:
    return ProgrammeHeader(
        id=programme.id,
        title=programme.localised(programme.title, language),
        summary=programme.localised(programme.summary, language),
        status=programme.status.value,
        status_label=str(STATUS_LABELS[programme.status.value]),
        is_draft=programme.status == ProgrammeStatus.DRAFT,
    )


def _next_change(parameter: Parameter, on_date: date) -> date | None:
    return next((v.valid_from for v in parameter.values if v.valid_from > on_date), None)


@dataclass(frozen=True)
class StartPage:
    """Everything the programme's "Who can apply" page says, as it stands on ``on_date``."""

    programme: ProgrammeHeader
    eligibility: str  # the rule set
    on_date: date
    applications_open: bool
    opens_on: date | None  # when applications open, if later than on_date
    eligibility_list: Fact | None
    eligibility_list_name: str | None
    eligibility_list_starts: date | None  # when a list first applies, if later than on_date
    changes: tuple[ShownChange, ...]
    excluded: Fact | None
    dual_nationality: Fact | None
    residence_route_kinds: Fact | None
    residence_route_stages: Fact | None
    commission_review: Fact | None
    waived: Fact | None
    stages: tuple[Stage, ...]
    time_and_cost: tuple[Fact, ...]
    acts: tuple[LegalAct, ...]
    rules: tuple[Rule, ...]


def start_page(programme: Programme, on_date: date, language: str) -> StartPage:
    opening = programme.parameters.get("applications_open")
    open_now = opening.at(on_date) if opening else None
    opens_on = None
    if opening is not None and not (open_now and open_now.value):
        opens_on = next(
            (v.valid_from for v in opening.values if v.valid_from > on_date and v.value), None
        )
    list_name = ELIGIBILITY_LISTS.get(programme.eligibility)
    list_parameter = programme.parameters.get(list_name) if list_name else None
    list_starts = None
    changes: tuple[ShownChange, ...] = ()
    if list_parameter is not None:
        changes = shown_changes(list_parameter, on_date, language)
        if list_parameter.at(on_date) is None and list_parameter.values:
            list_starts = list_parameter.values[0].valid_from
    time_and_cost = tuple(
        found
        for name in TIME_AND_COST_PARAMETERS
        if (found := fact(programme, name, on_date, language)) is not None
    )
    rules = tuple(
        Rule(
            name=parameter.name,
            label=parameter_label(parameter.name, parameter.description),
            value=(
                show_value(programme, parameter.type, current.value, language)
                if (current := parameter.at(on_date)) is not None
                else None
            ),
            valid_from=current.valid_from if current is not None else None,
            next_change=_next_change(parameter, on_date),
        )
        for parameter in programme.parameters.values()
    )
    return StartPage(
        programme=programme_header(programme, language),
        eligibility=programme.eligibility,
        on_date=on_date,
        applications_open=bool(
            programme.status == ProgrammeStatus.IN_FORCE and open_now and open_now.value
        ),
        opens_on=opens_on,
        eligibility_list=fact(programme, list_name, on_date, language) if list_name else None,
        eligibility_list_name=list_name if list_parameter is not None else None,
        eligibility_list_starts=list_starts,
        changes=changes,
        excluded=fact(programme, "excluded_citizenships", on_date, language),
        dual_nationality=fact(programme, "dual_nationality_qualifies", on_date, language),
        residence_route_kinds=fact(programme, "residence_route_kinds", on_date, language),
        residence_route_stages=fact(programme, "residence_route_stages", on_date, language),
        commission_review=fact(programme, "commission_review_required", on_date, language),
        waived=fact(programme, "waived_requirements", on_date, language),
        stages=tuple(
            Stage(programme.localised(stage.title, language), authority_label(stage.authority))
            for stage in programme.stages
        ),
        time_and_cost=time_and_cost,
        acts=legal_acts(programme),
        rules=rules,
    )


@dataclass(frozen=True)
class AmendmentRecord:
    """An amendment recorded in Haven, as its history shows it.

    ``recorded_by`` is None unless the reader may see who recorded it.
    """

    programme: str
    parameter: str
    operation: str  # an ``Operation`` value
    country: str
    effective_from: date
    act: str
    act_date: date | None
    article: str
    url: str
    recorded_at: datetime
    recorded_by: str | None


@dataclass(frozen=True)
class ShownAmendment:
    record: AmendmentRecord
    parameter_label: str
    country: Country
    adds: bool


def shown_amendment(programme: Programme, record: AmendmentRecord, language: str) -> ShownAmendment:
    parameter = programme.parameters.get(record.parameter)
    description = parameter.description if parameter else ""
    return ShownAmendment(
        record=record,
        parameter_label=parameter_label(record.parameter, description),
        country=Country(record.country, country_name(record.country, language)),
        adds=record.operation == Operation.ADD_COUNTRY.value,
    )


@dataclass(frozen=True)
class HistoryEntry:
    fact: Fact
    change: ShownChange | None
    in_force: bool
    future: bool
    replaced_on: date | None
    amendments: tuple[ShownAmendment, ...]


@dataclass(frozen=True)
class ParameterHistory:
    programme: ProgrammeHeader
    name: str
    label: str
    description: str
    is_country_list: bool
    entries: tuple[HistoryEntry, ...]  # newest first


def parameter_history(
    programme: Programme,
    name: str,
    records: Sequence[AmendmentRecord],
    on_date: date,
    language: str,
) -> ParameterHistory:
    """Every dated value of one parameter, newest first, with the amendments behind each."""
    parameter = programme.parameter(name)
    current = parameter.at(on_date)
    is_list = parameter.type == ParameterType.COUNTRY_LIST
    changes = (
        {c.valid_from: c for c in shown_changes(parameter, on_date, language)} if is_list else {}
    )
    entries = []
    for index, value in enumerate(parameter.values):
        following = parameter.values[index + 1] if index + 1 < len(parameter.values) else None
        amendments = tuple(
            shown_amendment(programme, record, language)
            for record in records
            if record.parameter == name and record.effective_from == value.valid_from
        )
        entries.append(
            HistoryEntry(
                fact=_fact(programme, parameter, value, language),
                change=changes.get(value.valid_from),
                in_force=current is not None and current.valid_from == value.valid_from,
                future=value.valid_from > on_date,
                replaced_on=following.valid_from if following else None,
                amendments=amendments,
            )
        )
    return ParameterHistory(
        programme=programme_header(programme, language),
        name=name,
        label=parameter_label(name, parameter.description),
        description=parameter.description,
        is_country_list=is_list,
        entries=tuple(reversed(entries)),
    )


@dataclass(frozen=True)
class CountryListSummary:
    name: str
    label: str
    size: int | None  # on the page's date; None before the list's first value
    next_change: date | None


@dataclass(frozen=True)
class ProgrammeWork:
    """A programme as the policy administrator maintains it."""

    programme: ProgrammeHeader
    lists: tuple[CountryListSummary, ...]
    amendments: tuple[ShownAmendment, ...]  # newest first


def country_list_names(programme: Programme) -> list[str]:
    return [
        name
        for name, parameter in programme.parameters.items()
        if parameter.type == ParameterType.COUNTRY_LIST
    ]


@dataclass(frozen=True)
class WorkOverview:
    """Every programme for the policy administrator, and the latest amendments to any."""

    works: tuple[ProgrammeWork, ...]
    recent: tuple[tuple[ProgrammeHeader, ShownAmendment], ...]  # newest first


def work_overview(works: Sequence[ProgrammeWork], recent: int) -> WorkOverview:
    everything = [(work.programme, amendment) for work in works for amendment in work.amendments]
    everything.sort(key=lambda pair: pair[1].record.recorded_at, reverse=True)
    return WorkOverview(tuple(works), tuple(everything[:recent]))


def programme_work(
    programme: Programme,
    records: Sequence[AmendmentRecord],
    on_date: date,
    language: str,
) -> ProgrammeWork:
    lists = []
    for name in country_list_names(programme):
        parameter = programme.parameter(name)
        current = parameter.at(on_date)
        lists.append(
            CountryListSummary(
                name=name,
                label=parameter_label(name, parameter.description),
                size=len(current.value) if current is not None else None,
                next_change=_next_change(parameter, on_date),
            )
        )
    newest_first = sorted(records, key=lambda r: r.recorded_at, reverse=True)
    return ProgrammeWork(
        programme=programme_header(programme, language),
        lists=tuple(lists),
        amendments=tuple(shown_amendment(programme, r, language) for r in newest_first),
    )


@dataclass(frozen=True)
class AmendmentPreview:
    """What recording an amendment will do, for the confirm page."""

    programme: ProgrammeHeader
    parameter_label: str
    country: Country
    adds: bool
    effective_from: date
    size_before: int
    size_after: int


def amendment_preview(
    programme: Programme,
    *,
    parameter: str,
    adds: bool,
    country: str,
    effective_from: date,
    before: ParameterValue | None,
    after: ParameterValue,
    language: str,
) -> AmendmentPreview:
    description = programme.parameter(parameter).description
    return AmendmentPreview(
        programme=programme_header(programme, language),
        parameter_label=parameter_label(parameter, description),
        country=Country(country, country_name(country, language)),
        adds=adds,
        effective_from=effective_from,
        size_before=len(before.value) if before is not None else 0,
        size_after=len(after.value),
    )


@dataclass(frozen=True)
class ExplainedReason:
    code: str
    message: str
    reference: LegalReference | None


@dataclass(frozen=True)
class CheckResult:
    """An evaluation in the reader's language, for the pre-check's result panel."""

    outcome: str
    outcome_label: str
    stage_title: str
    on_date: date
    reasons: tuple[ExplainedReason, ...]


def check_result(programme: Programme, evaluation: Evaluation, language: str) -> CheckResult:
    stage = programme.stage(evaluation.stage)
    return CheckResult(
        outcome=evaluation.outcome.value,
        outcome_label=str(OUTCOME_LABELS[evaluation.outcome.value]),
        stage_title=programme.localised(stage.title, language),
        on_date=evaluation.on_date,
        reasons=tuple(
            ExplainedReason(reason.code, reason.message(language), reason.reference)
            for reason in evaluation.reasons
        ),
    )
