"""The words for each reason code, in the reader's language.

Parameters of a message: ``countries`` (list of codes) and ``country`` (a code)
become state names in the reader's language; ``date`` values are localised; a
dict keyed by language (a stage's title) gives the reader's text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.rules.nationality import country_name

MESSAGES: dict[str, Promise] = {
    "PROGRAMME_NOT_IN_FORCE": _(
        "This programme does not accept applications on %(date)s: it is draft law or "
        "has not started yet."
    ),
    "SIMULATED_AS_IN_FORCE": _(
        "Simulation: the programme is treated as in force, although it is not on %(date)s."
    ),
    "NATIONALITY_MISSING": _("No citizenship was given, so eligibility cannot be determined."),
    "NATIONALITY_UNSPECIFIED": _(
        "The document does not state a nationality (code XXX), so eligibility cannot be determined."
    ),
    "CITIZEN_OF_EXCLUDED_STATE": _(
        "Citizens of %(country)s cannot apply: the programme is for foreign citizens and "
        "stateless persons."
    ),
    "COUNTRY_LIST_NOT_IN_FORCE": _(
        "No list of states was in force on %(date)s, so eligibility cannot be determined. "
        "The first list applies from %(first_date)s."
    ),
    "NATIONALITY_LISTED": _("Citizenship of a designated state: %(countries)s."),
    "DUAL_NATIONALITY_ACCEPTED": _(
        "A further citizenship of a state not on the list (%(countries)s) does not prevent "
        "applying."
    ),
    "DUAL_NATIONALITY_NOT_ACCEPTED": _(
        "A further citizenship of a state not on the list (%(countries)s) prevents applying."
    ),
    "NATIONALITY_NOT_LISTED": _("Citizenship of a state not on the list: %(countries)s."),
    "RESIDENCE_LISTED": _(
        "Without citizenship, you qualify through permanent residence in a designated state: "
        "%(country)s."
    ),
    "RESIDENCE_NOT_LISTED": _(
        "Your state of permanent residence is not on the list of designated states: %(country)s."
    ),
    "RESIDENCE_MISSING": _(
        "Without citizenship of a designated state, eligibility depends on your state of "
        "permanent residence, which was not given."
    ),
    "CITIZENSHIP_REQUIRED_AT_STAGE": _(
        "At the stage “%(stage)s” only citizens of designated states qualify; permanent "
        "residence is not enough."
    ),
    "QUALIFYING_STATES_NOT_SET": _(
        "The list of states whose prosecutions qualify has not been set, so eligibility "
        "cannot be determined."
    ),
    "PROSECUTION_NOT_STATED": _(
        "It was not stated whether, and in which state, you are prosecuted for pro-Russian "
        "words or acts."
    ),
    "NOT_PROSECUTED": _(
        "The programme is for people prosecuted abroad for pro-Russian words or acts."
    ),
    "PROSECUTION_STATE_LISTED": _("You are prosecuted in a qualifying state: %(country)s."),
    "PROSECUTION_STATE_NOT_LISTED": _(
        "The state prosecuting you is not a qualifying state: %(country)s."
    ),
    "COMMISSION_REVIEW_REQUIRED": _("A commission reviews every case before any decision."),
    "FOREIGN_NATIONAL": _("Foreign citizens and stateless persons may apply."),
    "INTEREST_DECIDED_BY_COMMISSION": _(
        "Whether you are of interest to the Russian Federation is decided by the Presidential "
        "Commission on Citizenship, after the operator's check and the police check."
    ),
}


def _render_param(name: str, value: Any, language: str) -> str:
    if name == "countries":
        return ", ".join(country_name(code, language) for code in value)
    if name == "country":
        return country_name(value, language)
    if name.endswith("date") and isinstance(value, str):
        text: str = value
        try:
            value = date.fromisoformat(text)  # as stored with an application
        except ValueError:
            return text
    if isinstance(value, date):
        return str(formats.date_format(value, "DATE_FORMAT"))
    if isinstance(value, dict):
        return str(value.get(language) or value.get("en", ""))
    return str(value)


def render(code: str, params: dict[str, Any], language: str | None = None) -> str:
    language = language or translation.get_language() or "en"
    with translation.override(language):
        values = {name: _render_param(name, value, language) for name, value in params.items()}
        return str(MESSAGES[code]) % values
