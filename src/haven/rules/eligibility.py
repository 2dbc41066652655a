"""One eligibility question as the web form and the API ask it, checked field by field.

``evaluate_request`` gives exactly what ``haven eligibility`` gives for the same
input (both parse codes with ``Facts.from_codes`` and call ``evaluate``); it
only names the field at fault when the input cannot be taken, so a form or an
API can say where the mistake is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from haven.rules.evaluate import Facts, evaluate
from haven.rules.nationality import NationalityKind, UnknownNationalityCode, parse_nationality
from haven.rules.outcome import Evaluation
from haven.rules.programme import Programme


class EligibilityInputError(ValueError):
    """Input the rules cannot take; ``field`` and ``index`` say where, ``code`` says why.

    Codes: ``UNKNOWN_PROGRAMME``, ``UNKNOWN_STAGE``, ``UNKNOWN_NATIONALITY``,
    ``RESIDENCE_NOT_A_STATE``.
    """

    def __init__(self, field: str, code: str, message: str, *, index: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.index = index


def evaluate_request(
    programme: Programme,
    *,
    nationalities: Sequence[str],
    residence: str | None,
    on_date: date,
    stage: str | None = None,
) -> Evaluation:
    """Evaluate the programme's rules for these codes; raises ``EligibilityInputError``."""
    for index, code in enumerate(nationalities):
        try:
            parse_nationality(code)
        except UnknownNationalityCode:
            raise EligibilityInputError(
                "nationalities",
                "UNKNOWN_NATIONALITY",
                f"{code!r} is not an ISO 3166 or ICAO 9303 nationality code.",
                index=index,
            ) from None
    if residence:
        try:
            home = parse_nationality(residence)
        except UnknownNationalityCode:
            home = None
        if home is None or home.kind != NationalityKind.STATE:
            raise EligibilityInputError(
                "residence",
                "RESIDENCE_NOT_A_STATE",
                f"{residence!r} is not the code of a state (ISO 3166 or ICAO 9303).",
            )
    if stage is not None and stage not in {s.id for s in programme.stages}:
        stages = ", ".join(s.id for s in programme.stages)
        raise EligibilityInputError(
            "stage",
            "UNKNOWN_STAGE",
            f"Programme {programme.id} has no stage {stage!r}; its stages are {stages}.",
        )
    facts = Facts.from_codes(nationalities, residence or None)
    return evaluate(programme, facts, on_date, stage)
