"""The pure helpers behind the pages: list changes, legal acts, values in words."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from haven.rules.display import (
    collation_key,
    countries_by_name,
    legal_acts,
    show_value,
    start_page,
)
from haven.rules.history import list_changes
from haven.rules.loader import load_programmes
from haven.rules.parameters import Parameter, ParameterType, ParameterValue
from haven.rules.references import LegalReference

ORDER = LegalReference(act="Order 1", date=date(2024, 9, 17))
AMENDMENT = LegalReference(act="Order 2", date=date(2025, 5, 1))


def country_list(*values: tuple[date, list[str], LegalReference]) -> Parameter:
    return Parameter(
        "designated_states",
        ParameterType.COUNTRY_LIST,
        "states",
        tuple(ParameterValue(when, frozenset(codes), ref) for when, codes, ref in values),
    )


def test_each_value_of_a_list_says_what_it_added_and_removed() -> None:
    parameter = country_list(
        (date(2024, 9, 20), ["DE", "FR", "US"], ORDER),
        (date(2025, 6, 1), ["DE", "FR", "HU"], AMENDMENT),
    )
    first, second = list_changes(parameter)
    assert (first.first, first.added, first.removed, first.size) == (
        True,
        frozenset({"DE", "FR", "US"}),
        frozenset(),
        3,
    )
    assert (second.first, second.added, second.removed, second.size) == (
        False,
        frozenset({"HU"}),
        frozenset({"US"}),
        3,
    )
    assert second.reference == AMENDMENT
    assert second.valid_from == date(2025, 6, 1)


def test_only_lists_of_states_have_changes() -> None:
    fee = load_programmes()["shared-values"].parameter("trp_state_fee")
    with pytest.raises(ValueError, match="not a list of states"):
        list_changes(fee)


def test_states_sort_by_their_name_in_the_readers_language() -> None:
    german = [c.name for c in countries_by_name(["PL", "AT", "NO", "NL"], "de")]
    assert german == ["Niederlande", "Norwegen", "Österreich", "Polen"]
    english = [c.code for c in countries_by_name(["PL", "AT", "NO", "NL"], "en")]
    assert english == ["AT", "NL", "NO", "PL"]
    assert collation_key("Élan") == collation_key("elan")


def test_the_legal_acts_are_listed_once_each_with_the_fuller_citation() -> None:
    acts = legal_acts(load_programmes()["shared-values"])
    names = [act.act for act in acts]
    assert len(names) == len(set(names))
    assert "Presidential Decree No. 702 of 19 August 2024" not in names  # a prefix of the next
    assert any(
        name.startswith('Presidential Decree No. 702 of 19 August 2024 "On') for name in names
    )
    assert "Government Order No. 2560-r of 17 September 2024" in names
    assert [act.date for act in acts if act.date] == sorted(act.date for act in acts if act.date)


@pytest.mark.parametrize(
    ("kind", "value", "language", "text"),
    [
        (ParameterType.MONEY, {"amount": 1600, "currency": "RUB"}, "en", "1,600 Russian rubles"),
        (ParameterType.MONEY, {"amount": 1600, "currency": "RUB"}, "de", "1.600 Russische Rubel"),
        (ParameterType.DURATION, {"years": 3}, "en", "3 years"),
        (ParameterType.DURATION, {"months": 1}, "en", "1 month"),
        (ParameterType.DURATION_RANGE, {"min_days": 95, "max_days": 125}, "en", "95 to 125 days"),
        (ParameterType.BOOLEAN, True, "en", "Yes"),
        (ParameterType.COUNTRY_LIST, frozenset({"RU"}), "es", "Rusia"),
        (
            ParameterType.CODE_LIST,
            ("quota",),
            "en",
            "The yearly quota for temporary residence permits",
        ),
        (ParameterType.CODE_LIST, ("trp",), "de", "Befristete Aufenthaltserlaubnis"),  # a stage
    ],
)
def test_values_read_as_words(kind, value, language, text) -> None:
    programme = load_programmes()["shared-values"]
    with translation.override(language):
        assert show_value(programme, kind, value, language).text == text


def test_the_start_page_reads_the_rules_in_force_on_its_date() -> None:
    programme = load_programmes()["shared-values"]
    with translation.override("en"):
        before_list = start_page(programme, date(2024, 9, 10), "en")
        after_list = start_page(programme, date(2024, 10, 1), "en")
    assert before_list.eligibility_list is None
    assert before_list.eligibility_list_starts == date(2024, 9, 20)
    assert after_list.eligibility_list is not None
    assert len(after_list.eligibility_list.value.countries) == 47
    assert [fact.name for fact in after_list.time_and_cost] == [
        "visa_validity",
        "trp_validity",
        "trp_decision_deadline",
        "trp_state_fee",
    ]
    assert after_list.waived is not None
    assert after_list.waived.raw == ("quota", "language_certificate")
