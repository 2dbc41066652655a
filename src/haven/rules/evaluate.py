"""``evaluate(programme, facts, on_date, stage)``: eligibility with its explanation.

A programme names its rule set (``eligibility`` in programme.yaml); each rule
set reads only the programme's parameters in force on the date, and records
every parameter it used. No refusal is decided here: an outcome advises the
official who decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from haven.rules.nationality import Nationality, NationalityKind, parse_nationality
from haven.rules.outcome import Evaluation, Outcome, ParameterUse, Reason
from haven.rules.parameters import ParameterValue
from haven.rules.programme import Programme, ProgrammeStatus, Stage
from haven.rules.references import LegalReference


class RulesInputError(ValueError):
    """Facts or a request the rules cannot take (an unknown stage, a residence that is no state)."""


@dataclass(frozen=True)
class Facts:
    """What is known about an applicant, as plain values."""

    nationalities: tuple[Nationality, ...] = ()
    residence: Nationality | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_codes(
        cls,
        nationalities: Sequence[str] = (),
        residence: str | None = None,
        **extra: Any,
    ) -> Facts:
        """Parse codes (ISO or ICAO, any case); raises ``UnknownNationalityCode``."""
        parsed = tuple(dict.fromkeys(parse_nationality(code) for code in nationalities))
        home = parse_nationality(residence) if residence else None
        if home is not None and home.kind != NationalityKind.STATE:
            raise RulesInputError(f"The state of permanent residence must be a state, not {home}.")
        return cls(parsed, home, dict(extra))


class _Context:
    def __init__(
        self, programme: Programme, facts: Facts, on_date: date, stage: Stage, simulate: bool
    ) -> None:
        self.programme = programme
        self.facts = facts
        self.on_date = on_date
        self.stage = stage
        self.simulate = simulate
        self.used: dict[str, ParameterUse] = {}

    def use(self, name: str) -> ParameterValue | None:
        """The parameter's value on the date, recorded as used."""
        value = self.programme.value(name, self.on_date)
        if value is not None:
            self.used[name] = ParameterUse(name, value.value, value.valid_from, value.reference)
        return value

    def reading(self, name: str, default: Any = None) -> Any:
        value = self.use(name)
        return default if value is None else value.value

    def first_value(self, name: str) -> ParameterValue | None:
        values = self.programme.parameter(name).values
        return values[0] if values else None


Verdict = tuple[Outcome, list[Reason]]
RuleSet = Callable[[_Context], Verdict]


def _reference(value: ParameterValue | None, fallback: LegalReference) -> LegalReference:
    return value.reference if value is not None else fallback


def _excluded(context: _Context) -> Verdict | None:
    """Citizens of an excluded state (the Russian Federation) are not foreigners."""
    excluded = context.use("excluded_citizenships")
    if excluded is None:
        return None
    for nationality in context.facts.nationalities:
        if nationality.country in excluded.value:
            reason = Reason(
                "CITIZEN_OF_EXCLUDED_STATE", excluded.reference, {"country": nationality.country}
            )
            return Outcome.INELIGIBLE, [reason]
    return None


def _unknown_nationality(context: _Context) -> Verdict | None:
    basis = context.programme.legal_basis
    if not context.facts.nationalities:
        return Outcome.UNDETERMINED, [Reason("NATIONALITY_MISSING", basis)]
    if all(n.kind == NationalityKind.UNSPECIFIED for n in context.facts.nationalities):
        return Outcome.UNDETERMINED, [Reason("NATIONALITY_UNSPECIFIED", basis)]
    return None


def designated_states(context: _Context) -> Verdict:
    """Citizens of the designated states qualify; others through residence where the law allows.

    Parameters: ``designated_states`` (the list), ``excluded_citizenships``,
    ``dual_nationality_qualifies``, ``counted_nationality_classes``,
    ``residence_route_kinds`` and ``residence_route_stages`` (readings).
    """
    verdict = _unknown_nationality(context) or _excluded(context)
    if verdict:
        return verdict
    listed = context.use("designated_states")
    if listed is None:
        first = context.first_value("designated_states")
        reference = _reference(first, context.programme.legal_basis)
        params: dict[str, Any] = {"date": context.on_date}
        params["first_date"] = first.valid_from if first else "—"
        return Outcome.UNDETERMINED, [Reason("COUNTRY_LIST_NOT_IN_FORCE", reference, params)]

    counted_classes = set(context.reading("counted_nationality_classes", []))
    citizenships = [
        n.country
        for n in context.facts.nationalities
        if n.kind == NationalityKind.STATE
        and n.country is not None
        and (n.icao_class is None or n.icao_class in counted_classes)
    ]
    on_list = [code for code in dict.fromkeys(citizenships) if code in listed.value]
    off_list = [code for code in dict.fromkeys(citizenships) if code not in listed.value]
    if on_list:
        reasons = [Reason("NATIONALITY_LISTED", listed.reference, {"countries": on_list})]
        if off_list:
            dual = context.use("dual_nationality_qualifies")
            reference = _reference(dual, context.programme.legal_basis)
            if dual is not None and not dual.value:
                reason = Reason("DUAL_NATIONALITY_NOT_ACCEPTED", reference, {"countries": off_list})
                return Outcome.INELIGIBLE, [*reasons, reason]
            reasons.append(Reason("DUAL_NATIONALITY_ACCEPTED", reference, {"countries": off_list}))
        return Outcome.ELIGIBLE, reasons
    if off_list:
        return Outcome.INELIGIBLE, [
            Reason("NATIONALITY_NOT_LISTED", listed.reference, {"countries": off_list})
        ]
    # No citizenship of any state on the documents: stateless persons, refugees, or
    # a British nationality class the readings do not count.
    kinds = {n.kind.value for n in context.facts.nationalities}
    route_kinds = context.use("residence_route_kinds")
    if route_kinds is None or not kinds & set(route_kinds.value):
        countries = [n.country or n.code for n in context.facts.nationalities]
        if kinds == {NationalityKind.UNSPECIFIED.value}:
            return Outcome.UNDETERMINED, [Reason("NATIONALITY_UNSPECIFIED", listed.reference)]
        return Outcome.INELIGIBLE, [
            Reason("NATIONALITY_NOT_LISTED", listed.reference, {"countries": countries})
        ]
    route_stages = context.use("residence_route_stages")
    if route_stages is None or context.stage.id not in route_stages.value:
        reference = _reference(route_stages, route_kinds.reference)
        return Outcome.INELIGIBLE, [
            Reason("CITIZENSHIP_REQUIRED_AT_STAGE", reference, {"stage": context.stage.title})
        ]
    residence = context.facts.residence
    if residence is None:
        return Outcome.UNDETERMINED, [Reason("RESIDENCE_MISSING", route_stages.reference)]
    if residence.country in listed.value:
        return Outcome.ELIGIBLE, [
            Reason("RESIDENCE_LISTED", route_stages.reference, {"country": residence.country})
        ]
    return Outcome.INELIGIBLE, [
        Reason("RESIDENCE_NOT_LISTED", listed.reference, {"country": residence.country})
    ]


def persecution(context: _Context) -> Verdict:
    """Foreigners prosecuted abroad for pro-Russian words or acts, in a qualifying state.

    Facts: ``prosecuted`` (bool) and ``prosecuting_state`` (a code).
    Parameters: ``qualifying_states``, ``excluded_citizenships``,
    ``commission_review_required``.
    """
    verdict = _unknown_nationality(context) or _excluded(context)
    if verdict:
        return verdict
    basis = context.programme.legal_basis
    review = context.use("commission_review_required")
    review_reasons = (
        [Reason("COMMISSION_REVIEW_REQUIRED", review.reference)] if review and review.value else []
    )
    prosecuted = context.facts.extra.get("prosecuted")
    state = context.facts.extra.get("prosecuting_state")
    country = parse_nationality(state).country if state else None  # unknown codes raise
    if state and country is None:
        raise RulesInputError(f"The prosecuting state must be a state, not {state}.")
    if prosecuted is False:
        return Outcome.INELIGIBLE, [Reason("NOT_PROSECUTED", basis)]
    if prosecuted is None or not state:
        return Outcome.UNDETERMINED, [Reason("PROSECUTION_NOT_STATED", basis)]
    qualifying = context.use("qualifying_states")
    if qualifying is None or not qualifying.value:
        reference = _reference(qualifying, basis)
        return Outcome.UNDETERMINED, [Reason("QUALIFYING_STATES_NOT_SET", reference)]
    if country in qualifying.value:
        reason = Reason("PROSECUTION_STATE_LISTED", qualifying.reference, {"country": country})
        return Outcome.ELIGIBLE, [reason, *review_reasons]
    reason = Reason("PROSECUTION_STATE_NOT_LISTED", qualifying.reference, {"country": country})
    return Outcome.INELIGIBLE, [reason]


def open_to_foreigners(context: _Context) -> Verdict:
    """Any foreign citizen or stateless person may apply; a commission decides on interest.

    Parameters: ``excluded_citizenships``, ``commission_review_required``.
    """
    verdict = _unknown_nationality(context) or _excluded(context)
    if verdict:
        return verdict
    reasons = [Reason("FOREIGN_NATIONAL", context.programme.legal_basis)]
    review = context.use("commission_review_required")
    if review is not None and review.value:
        reasons.append(Reason("INTEREST_DECIDED_BY_COMMISSION", review.reference))
    return Outcome.ELIGIBLE, reasons


RULE_SETS: dict[str, RuleSet] = {
    "designated-states": designated_states,
    "persecution": persecution,
    "open-to-foreigners": open_to_foreigners,
}


def evaluate(
    programme: Programme,
    facts: Facts,
    on_date: date,
    stage: str | None = None,
    *,
    assume_in_force: bool = False,
) -> Evaluation:
    """Evaluate eligibility on the date. ``assume_in_force`` is for simulation only.

    Raises ``RulesInputError`` for a stage the programme does not have.
    """
    try:
        stage_obj = programme.stage(stage)
    except KeyError:
        stages = ", ".join(s.id for s in programme.stages)
        raise RulesInputError(
            f"Programme {programme.id} has no stage {stage!r}; its stages are {stages}."
        ) from None
    context = _Context(programme, facts, on_date, stage_obj, assume_in_force)
    opening = context.use("applications_open")
    in_force = (
        programme.status == ProgrammeStatus.IN_FORCE and opening is not None and opening.value
    )
    prefix: list[Reason] = []
    if not in_force:
        reference = _reference(opening, programme.legal_basis)
        if not assume_in_force:
            return _result(
                context,
                Outcome.INELIGIBLE,
                [Reason("PROGRAMME_NOT_IN_FORCE", reference, {"date": on_date})],
            )
        prefix = [Reason("SIMULATED_AS_IN_FORCE", reference, {"date": on_date})]
    outcome, reasons = RULE_SETS[programme.eligibility](context)
    return _result(context, outcome, [*prefix, *reasons])


def _result(context: _Context, outcome: Outcome, reasons: list[Reason]) -> Evaluation:
    return Evaluation(
        programme=context.programme.id,
        stage=context.stage.id,
        on_date=context.on_date,
        outcome=outcome,
        reasons=tuple(reasons),
        parameters=tuple(context.used.values()),
        simulated=context.simulate,
    )
