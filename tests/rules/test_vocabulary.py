"""Every parameter and code the shipped programmes use has words in the reader's language."""

from __future__ import annotations

from haven.rules.loader import load_programmes
from haven.rules.parameters import ParameterType
from haven.rules.vocabulary import CODE_LABELS, PARAMETER_LABELS


def test_every_parameter_has_a_label() -> None:
    names = {name for p in load_programmes().values() for name in p.parameters}
    assert not names - set(PARAMETER_LABELS)


def test_every_code_in_a_code_list_has_a_label() -> None:
    stage_ids = {s.id for p in load_programmes().values() for s in p.stages}
    codes = {
        code
        for programme in load_programmes().values()
        for parameter in programme.parameters.values()
        if parameter.type == ParameterType.CODE_LIST
        for value in parameter.values
        for code in value.value
    }
    assert not codes - set(CODE_LABELS) - stage_ids
