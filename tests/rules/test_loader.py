"""The programme loader: shipped programmes load; each kind of mistake fails naming file and key."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from haven.rules.loader import (
    PROGRAMMES_DIR,
    RulesDataError,
    check_value,
    load_programme,
    load_programmes,
)
from haven.rules.parameters import ParameterType
from haven.rules.programme import LANGUAGES, ProgrammeStatus
from haven.rules.stages import stage_requirements

SHIPPED = ("people-in-spirit", "persons-of-interest", "shared-values")


def copy_programme(tmp_path: Path, programme_id: str = "shared-values") -> Path:
    """A copy of a shipped programme folder (its name must stay the programme's id)."""
    return Path(shutil.copytree(PROGRAMMES_DIR / programme_id, tmp_path / programme_id))


def edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_fails(directory: Path, filename: str, key: str, words: str) -> RulesDataError:
    with pytest.raises(RulesDataError) as caught:
        load_programme(directory)
    error = caught.value
    path = directory / filename
    assert error.path == path
    assert error.key == key
    assert str(path) in str(error)
    assert key in str(error)
    assert words in str(error)
    return error


# --- The shipped programmes.


def test_the_shipped_programmes_load() -> None:
    programmes = load_programmes()
    assert sorted(programmes) == list(SHIPPED)
    assert programmes["shared-values"].status == ProgrammeStatus.IN_FORCE
    assert programmes["persons-of-interest"].status == ProgrammeStatus.IN_FORCE
    assert programmes["people-in-spirit"].status == ProgrammeStatus.DRAFT
    assert [s.id for s in programmes["shared-values"].stages] == ["visa", "trp"]
    assert [s.id for s in programmes["persons-of-interest"].stages] == [
        "operator_check",
        "police_check",
        "commission",
        "permit",
    ]
    assert [s.id for s in programmes["people-in-spirit"].stages] == [
        "commission",
        "residence_permit",
    ]


@pytest.mark.parametrize("programme_id", SHIPPED)
def test_every_value_of_every_parameter_cites_an_act(programme_id: str) -> None:
    programme = load_programme(PROGRAMMES_DIR / programme_id)
    assert programme.legal_basis.act.strip()
    assert programme.parameters
    for parameter in programme.parameters.values():
        assert parameter.description.strip(), parameter.name
        for value in parameter.values:
            assert value.reference is not None, parameter.name
            assert isinstance(value.reference.act, str), parameter.name
            assert value.reference.act.strip(), parameter.name
            assert value.reference.citation().startswith(value.reference.act)


@pytest.mark.parametrize("programme_id", SHIPPED)
def test_every_text_is_in_every_language(programme_id: str) -> None:
    programme = load_programme(PROGRAMMES_DIR / programme_id)
    for texts in [programme.title, programme.summary, *(s.title for s in programme.stages)]:
        assert set(texts) == set(LANGUAGES)
        assert all(text.strip() for text in texts.values())


@pytest.mark.parametrize("programme_id", SHIPPED)
def test_stage_ids_are_unique_and_stage_readings_name_real_stages(programme_id: str) -> None:
    programme = load_programme(PROGRAMMES_DIR / programme_id)
    ids = [stage.id for stage in programme.stages]
    assert len(ids) == len(set(ids))
    route = programme.parameters.get("residence_route_stages")
    for value in route.values if route else ():
        assert set(value.value) <= set(ids)


def test_an_unchanged_copy_loads_as_the_original(tmp_path: Path) -> None:
    for programme_id in SHIPPED:
        copy = load_programme(copy_programme(tmp_path, programme_id))
        assert copy == load_programmes()[programme_id]


def test_a_list_of_states_loads_as_a_set_of_alpha_2_codes() -> None:
    listed = load_programmes()["shared-values"].parameter("designated_states")
    assert listed.type == ParameterType.COUNTRY_LIST
    assert isinstance(listed.values[0].value, frozenset)
    assert all(len(code) == 2 and code.isupper() for code in listed.values[0].value)


# --- Broken programme folders.


def test_a_date_that_is_not_a_date(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        data["applications_open"]["values"][0]["from"] = "2024-09-32"

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(directory, "parameters.yaml", "applications_open.values[0].from", "'2024-09-32'")


def test_a_date_written_in_words(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        data["trp_state_fee"]["values"][0]["from"] = "1 September 2024"

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(
        directory,
        "parameters.yaml",
        "trp_state_fee.values[0].from",
        "'1 September 2024' is not a date",
    )


def test_a_bad_date_of_an_act(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        data["designated_states"]["values"][0]["reference"]["date"] = "17.09.2024"

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(
        directory,
        "parameters.yaml",
        "designated_states.values[0].reference.date",
        "'17.09.2024' is not a date",
    )


@pytest.mark.parametrize(
    ("filename", "old", "new"),
    [
        ("parameters.yaml", "- from: 2024-09-01", "- from: 2024-09-31"),
        ("programme.yaml", "  date: 2024-08-19", "  date: 2024-13-19"),
    ],
)
def test_an_impossible_unquoted_date(tmp_path: Path, filename: str, old: str, new: str) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / filename, old, new)
    with pytest.raises(RulesDataError) as caught:
        load_programme(directory)
    assert caught.value.path == directory / filename
    assert str(directory / filename) in str(caught.value)


def test_an_unknown_type(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "parameters.yaml", "type: boolean", "type: bool")
    assert_fails(directory, "parameters.yaml", "applications_open.type", "not 'bool'")


def test_an_unknown_country_code(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "parameters.yaml", "value: [AU, AT,", "value: [ZZ, AT,")
    assert_fails(
        directory,
        "parameters.yaml",
        "designated_states.values[0].value[0]",
        "'ZZ' is not a known country code",
    )


@pytest.mark.parametrize(
    ("written", "canonical"),
    [("DEU", "DE"), ("D", "DE"), ("de", "DE"), ("GBR", "GB"), ("GBD", "GB"), ("RKS", "XK")],
)
def test_a_country_not_written_as_iso_alpha_2(tmp_path: Path, written: str, canonical: str) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        data["designated_states"]["values"][0]["value"][8] = written

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(
        directory,
        "parameters.yaml",
        "designated_states.values[0].value[8]",
        f"must be written as ISO alpha-2 {canonical!r}",
    )


def test_a_stateless_code_in_a_list_of_states(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path, "persons-of-interest")
    edit_text(directory / "parameters.yaml", "value: [RU]", "value: [RU, XXA]")
    assert_fails(
        directory,
        "parameters.yaml",
        "excluded_citizenships.values[0].value[1]",
        "'XXA' is not a state",
    )


def test_norway_unquoted_is_a_boolean_not_a_code(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "parameters.yaml", '"NO"', "NO")
    assert_fails(
        directory,
        "parameters.yaml",
        "designated_states.values[0].value[26]",
        'must be a country code, not false; quote codes such as "NO"',
    )


def test_a_country_listed_twice(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "parameters.yaml", "value: [AU, AT,", "value: [AU, AU, AT,")
    assert_fails(directory, "parameters.yaml", "designated_states.values[0].value", "'AU' twice")


def test_a_reference_without_an_act(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        del data["applications_open"]["values"][0]["reference"]["act"]

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(
        directory, "parameters.yaml", "applications_open.values[0].reference.act", "is missing"
    )


def test_a_value_without_a_reference(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path, "persons-of-interest")

    def change(data: Any) -> None:
        del data["processing_time"]["values"][0]["reference"]

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(directory, "parameters.yaml", "processing_time.values[0].reference", "is missing")


def test_the_legal_basis_without_an_act(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        del data["legal_basis"]["act"]

    edit_yaml(directory / "programme.yaml", change)
    assert_fails(directory, "programme.yaml", "legal_basis.act", "is missing")


@pytest.mark.parametrize("later", ["2024-08-01", "2024-09-01"])
def test_dates_must_increase(tmp_path: Path, later: str) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        values = data["applications_open"]["values"]
        values.append({**values[0], "from": later, "value": False})

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(
        directory,
        "parameters.yaml",
        "applications_open.values[1].from",
        f"{later} is not after 2024-09-01: dates must increase",
    )


def test_a_title_missing_a_language(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        del data["title"]["es"]

    edit_yaml(directory / "programme.yaml", change)
    assert_fails(directory, "programme.yaml", "title", "has no text for es")


def test_a_stage_title_missing_a_language(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path, "persons-of-interest")

    def change(data: Any) -> None:
        del data["stages"][2]["title"]["ru"]

    edit_yaml(directory / "programme.yaml", change)
    assert_fails(directory, "programme.yaml", "stages[2].title", "has no text for ru")


def test_a_text_parameter_missing_a_language(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        data["visa_note"] = {
            "type": "text",
            "description": "A note.",
            "values": [
                {
                    "from": "2024-09-01",
                    "value": {"en": "Note", "ru": "Заметка"},
                    "reference": {"act": "Presidential Decree No. 702 of 19 August 2024"},
                }
            ],
        }

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(directory, "parameters.yaml", "visa_note.values[0].value", "has no text for de")


def test_an_unknown_rule_set(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(
        directory / "programme.yaml",
        "eligibility: designated-states",
        "eligibility: designated-countries",
    )
    assert_fails(directory, "programme.yaml", "eligibility", "'designated-countries'")


@pytest.mark.parametrize(
    ("programme_id", "parameter", "rule_set"),
    [
        ("shared-values", "dual_nationality_qualifies", "designated-states"),
        ("shared-values", "designated_states", "designated-states"),
        ("people-in-spirit", "qualifying_states", "persecution"),
        ("persons-of-interest", "commission_review_required", "open-to-foreigners"),
    ],
)
def test_a_missing_required_parameter(
    tmp_path: Path, programme_id: str, parameter: str, rule_set: str
) -> None:
    directory = copy_programme(tmp_path, programme_id)

    def change(data: Any) -> None:
        del data[parameter]

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(directory, "parameters.yaml", parameter, f"required by {rule_set}")


@pytest.mark.parametrize("filename", ["parameters.yaml", "programme.yaml"])
def test_a_yaml_syntax_error(tmp_path: Path, filename: str) -> None:
    directory = copy_programme(tmp_path)
    with (directory / filename).open("a", encoding="utf-8") as file:
        file.write("\nbroken: [unclosed, list\n")
    assert_fails(directory, filename, "(file)", "not valid YAML")


def test_a_missing_file(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    (directory / "parameters.yaml").unlink()
    assert_fails(directory, "parameters.yaml", "(file)", "cannot be read")


def test_an_id_that_is_not_the_folder_name(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "programme.yaml", "id: shared-values", "id: shared-value")
    assert_fails(directory, "programme.yaml", "id", "'shared-value' must match its folder name")


def test_an_unknown_status(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "programme.yaml", "status: in_force", "status: enacted")
    assert_fails(directory, "programme.yaml", "status", "'enacted'")


def test_an_unknown_stage_kind(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "programme.yaml", "kind: decision", "kind: ruling")
    error = assert_fails(directory, "programme.yaml", "stages[0].kind", "must be one of")
    assert "not 'ruling'" in str(error)


def test_a_boolean_that_is_not_a_boolean(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "parameters.yaml", "value: true", 'value: "yes"')
    assert_fails(
        directory,
        "parameters.yaml",
        "applications_open.values[0].value",
        "must be true or false, not 'yes'",
    )


def test_a_money_value_without_a_currency(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(
        directory / "parameters.yaml",
        "{amount: 1600, currency: RUB}",
        "{amount: 1600}",
    )
    assert_fails(
        directory, "parameters.yaml", "trp_state_fee.values[0].value.currency", "is missing"
    )


def test_an_unknown_field_in_a_reference(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        data["visa_entries"]["values"][0]["reference"]["paragraph"] = "1"

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(
        directory,
        "parameters.yaml",
        "visa_entries.values[0].reference",
        "unknown fields ['paragraph']",
    )


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ("{amount: 1600, currency: RUB}", "{amount: -1, currency: RUB}", ".amount", "not -1"),
        ("{amount: 1600, currency: RUB}", "{amount: 1600, currency: rub}", ".currency", "'rub'"),
        ("{amount: 1600, currency: RUB}", "{amount: 1600, currency: RUB, vat: 0}", "", "['vat']"),
    ],
)
def test_a_money_value_that_is_not_money(
    tmp_path: Path, old: str, new: str, key: str, words: str
) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "parameters.yaml", old, new)
    assert_fails(directory, "parameters.yaml", f"trp_state_fee.values[0].value{key}", words)


@pytest.mark.parametrize(
    ("new", "key", "words"),
    [
        (
            "{weeks: 12}",
            "",
            "must be one of years, months, days with a number, e.g. {months: 3}, not {weeks: 12}",
        ),
        ("{months: 3, days: 2}", "", "not {months: 3, days: 2}"),
        ("3", "", "not 3"),
        ("{months: 0}", ".months", "must be a whole number, 1 or more, not 0"),
        ("{months: three}", ".months", "not 'three'"),
    ],
)
def test_a_duration_that_is_not_a_duration(tmp_path: Path, new: str, key: str, words: str) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "parameters.yaml", "value: {months: 3}", f"value: {new}")
    assert_fails(directory, "parameters.yaml", f"visa_validity.values[0].value{key}", words)


def test_a_range_of_days_the_wrong_way_round(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path, "persons-of-interest")
    edit_text(directory / "parameters.yaml", "max_days: 125", "max_days: 90")
    assert_fails(
        directory,
        "parameters.yaml",
        "processing_time.values[0].value",
        "needs 0 < min_days <= max_days, not min_days 95 and max_days 90",
    )


def test_a_negative_number(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        data["visa_entries"]["values"][0]["value"] = -1

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(
        directory,
        "parameters.yaml",
        "visa_entries.values[0].value",
        "must be a whole number, 0 or more, not -1",
    )


def test_a_code_listed_twice(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(
        directory / "parameters.yaml", "[passport_scan, photo]", "[passport_scan, photo, photo]"
    )
    assert_fails(
        directory,
        "parameters.yaml",
        "visa_documents.values[0].value",
        "lists the code 'photo' twice",
    )


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (lambda grounds: grounds.clear(), "", "must list at least one ground"),
        (lambda grounds: grounds[1].update(code="Entry-Banned"), "[1].code", "'Entry-Banned'"),
        (lambda grounds: grounds[2].update(code="documents_false"), "", "'documents_false' twice"),
        (lambda grounds: grounds[0]["title"].pop("it"), "[0].title", "has no text for it"),
        (lambda grounds: grounds[0].pop("article"), "[0].article", "is missing"),
    ],
)
def test_grounds_that_are_not_grounds(
    tmp_path: Path, change: Callable[[list[Any]], None], key: str, words: str
) -> None:
    directory = copy_programme(tmp_path)
    edit_yaml(
        directory / "parameters.yaml",
        lambda data: change(data["visa_refusal_grounds"]["values"][0]["value"]),
    )
    assert_fails(directory, "parameters.yaml", f"visa_refusal_grounds.values[0].value{key}", words)


def test_an_empty_text(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_yaml(directory / "programme.yaml", lambda data: data["summary"].update(fr=" "))
    assert_fails(directory, "programme.yaml", "summary", "has an empty text for fr")


def test_a_text_in_a_language_haven_does_not_speak(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_yaml(directory / "programme.yaml", lambda data: data["title"].update(pt="Valores"))
    assert_fails(directory, "programme.yaml", "title", "has texts for 'pt'")


def test_an_unknown_issued_document(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "programme.yaml", "issues: trp", "issues: permit")
    assert_fails(
        directory,
        "programme.yaml",
        "stages[1].issues",
        "must be one of 'visa', 'trp', 'residence_permit' (or left out), not 'permit'",
    )


def test_a_misspelt_field_of_a_stage(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "programme.yaml", "issues: trp", "isues: trp")
    assert_fails(directory, "programme.yaml", "stages[1]", "unknown fields ['isues']")


def test_a_stage_id_listed_twice(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_text(directory / "programme.yaml", "id: trp", "id: visa")
    assert_fails(directory, "programme.yaml", "stages", "lists the stage id 'visa' twice")


def test_a_programme_without_stages(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_yaml(directory / "programme.yaml", lambda data: data.update(stages=[]))
    assert_fails(directory, "programme.yaml", "stages", "must list at least one stage")


def test_a_reading_that_names_a_stage_the_programme_lacks(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)

    def change(data: Any) -> None:
        data["residence_route_stages"]["values"][0]["value"] = ["trp", "permit"]

    edit_yaml(directory / "parameters.yaml", change)
    assert_fails(
        directory,
        "parameters.yaml",
        "residence_route_stages.values[0].value",
        "names stages the programme does not have: ['permit']",
    )


def test_a_parameter_that_is_not_a_mapping(tmp_path: Path) -> None:
    directory = copy_programme(tmp_path)
    edit_yaml(directory / "parameters.yaml", lambda data: data.update(visa_entries=1))
    assert_fails(directory, "parameters.yaml", "visa_entries", "must be a mapping, not 1")


# --- One value, checked as the files are (amendments).


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (ParameterType.BOOLEAN, False, False),
        (ParameterType.DATE, "2026-01-01", date(2026, 1, 1)),
        (ParameterType.INTEGER, 2, 2),
        (
            ParameterType.MONEY,
            {"amount": 2000, "currency": "RUB"},
            {"amount": 2000, "currency": "RUB"},
        ),
        (ParameterType.DURATION, {"years": 3}, {"years": 3}),
        (
            ParameterType.DURATION_RANGE,
            {"min_days": 1, "max_days": 9},
            {"min_days": 1, "max_days": 9},
        ),
        (ParameterType.COUNTRY_LIST, ["HU", "SK"], frozenset({"HU", "SK"})),
        (ParameterType.CODE_LIST, ["photo", "passport_scan"], ("photo", "passport_scan")),
        (ParameterType.TEXT, dict.fromkeys(LANGUAGES, "x"), dict.fromkeys(LANGUAGES, "x")),
    ],
)
def test_a_value_is_checked_and_kept_as_the_rules_read_it(
    kind: ParameterType, value: Any, expected: Any
) -> None:
    checked = check_value(kind, value, "amendment of a parameter")
    assert checked == expected
    assert type(checked) is type(expected)


def test_grounds_are_kept_as_a_tuple_of_mappings() -> None:
    ground = {"code": "security", "article": "art. 7", "title": dict.fromkeys(LANGUAGES, "x")}
    assert check_value(ParameterType.GROUNDS, [ground], "amendment") == (ground,)


@pytest.mark.parametrize(
    ("kind", "value", "key", "words"),
    [
        (ParameterType.BOOLEAN, "no", "value", "must be true or false, not 'no'"),
        (ParameterType.MONEY, {"amount": 2000}, "value.currency", "is missing"),
        (ParameterType.DURATION, {"years": -3}, "value.years", "not -3"),
        (ParameterType.COUNTRY_LIST, ["HU", "HUN"], "value[1]", "'HUN' must be written as"),
    ],
)
def test_a_wrong_value_names_where_it_comes_from(
    kind: ParameterType, value: Any, key: str, words: str
) -> None:
    with pytest.raises(RulesDataError) as caught:
        check_value(kind, value, "amendment of a parameter")
    assert caught.value.path == Path("amendment of a parameter")
    assert caught.value.key == key
    assert words in str(caught.value)


# --- The parameters a programme's stages need.

MINIMAL_PROGRAMME = {
    "id": "test-programme",
    "status": "draft",
    "eligibility": "open-to-foreigners",
    "title": dict.fromkeys(LANGUAGES, "A test programme"),
    "summary": dict.fromkeys(LANGUAGES, "Made up for a test."),
    "legal_basis": {"act": "Test Act"},
    "stages": [
        {
            "id": "check",
            "kind": "external_check",
            "authority": "police",
            "title": dict.fromkeys(LANGUAGES, "Check"),
        },
        {
            "id": "entry",
            "kind": "decision",
            "authority": "consulate",
            "issues": "visa",
            "title": dict.fromkeys(LANGUAGES, "Visa"),
        },
    ],
}


def dated(kind: str, value: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "description": "A test parameter.",
        "values": [{"from": "2026-01-01", "value": value, "reference": {"act": "Test Act"}}],
    }


RULE_SET_PARAMETERS = {
    "applications_open": dated("boolean", False),
    "excluded_citizenships": dated("country_list", ["RU"]),
    "commission_review_required": dated("boolean", False),
    "personal_data_retention": dated("duration", {"years": 5}),
}
VISA_STAGE_PARAMETERS = {
    "entry_decision_deadline": dated("duration", {"days": 20}),
    "entry_refusal_grounds": dated(
        "grounds",
        [{"code": "security", "article": "art. 1", "title": dict.fromkeys(LANGUAGES, "Security")}],
    ),
    "visa_validity": dated("duration", {"months": 3}),
    "visa_entries": dated("integer", 1),
}


def write_programme(tmp_path: Path, parameters: dict[str, Any]) -> Path:
    """A programme folder of its own: a police check, then a visa decision."""
    directory = tmp_path / "test-programme"
    directory.mkdir()
    for filename, data in [("programme.yaml", MINIMAL_PROGRAMME), ("parameters.yaml", parameters)]:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (directory / filename).write_text(text, encoding="utf-8")
    return directory


def test_a_programme_with_what_its_stages_need_loads(tmp_path: Path) -> None:
    programme = load_programme(
        write_programme(tmp_path, RULE_SET_PARAMETERS | VISA_STAGE_PARAMETERS)
    )
    assert [stage.id for stage in programme.stages] == ["check", "entry"]


def test_a_programme_without_what_its_stages_need(tmp_path: Path) -> None:
    directory = write_programme(tmp_path, RULE_SET_PARAMETERS)
    assert_fails(
        directory,
        "parameters.yaml",
        "entry_decision_deadline",
        "is missing: required by stage 'entry' (decision, issues visa) "
        "(also missing: entry_refusal_grounds, visa_validity, visa_entries)",
    )


@pytest.mark.parametrize("parameter", sorted(VISA_STAGE_PARAMETERS))
def test_each_parameter_a_visa_stage_needs(tmp_path: Path, parameter: str) -> None:
    parameters = RULE_SET_PARAMETERS | VISA_STAGE_PARAMETERS
    del parameters[parameter]
    directory = write_programme(tmp_path, parameters)
    assert_fails(
        directory,
        "parameters.yaml",
        parameter,
        "is missing: required by stage 'entry' (decision, issues visa)",
    )


def test_a_stage_parameter_of_the_wrong_type(tmp_path: Path) -> None:
    parameters = RULE_SET_PARAMETERS | VISA_STAGE_PARAMETERS
    parameters["visa_entries"] = dated("duration", {"days": 1})
    directory = write_programme(tmp_path, parameters)
    assert_fails(
        directory,
        "parameters.yaml",
        "visa_entries.type",
        "must be integer, not duration: required by stage 'entry' (decision, issues visa)",
    )


@pytest.mark.parametrize(
    ("programme_id", "parameter", "stage"),
    [
        ("shared-values", "visa_decision_deadline", "stage 'visa' (decision, issues visa)"),
        ("shared-values", "visa_refusal_grounds", "stage 'visa' (decision, issues visa)"),
        ("shared-values", "visa_validity", "stage 'visa' (decision, issues visa)"),
        ("shared-values", "visa_entries", "stage 'visa' (decision, issues visa)"),
        (
            "shared-values",
            "visa_documents",
            "stage 'visa' (decision, issues visa), which opens the programme",
        ),
        ("shared-values", "trp_documents", "stage 'trp' (decision, issues trp)"),
        ("shared-values", "trp_notification_window", "stage 'trp' (decision, issues trp)"),
        (
            "people-in-spirit",
            "residence_permit_validity",
            "stage 'residence_permit' (decision, issues residence_permit)",
        ),
        ("persons-of-interest", "permit_refusal_grounds", "stage 'permit' (decision)"),
    ],
)
def test_a_shipped_programme_missing_what_a_stage_needs(
    tmp_path: Path, programme_id: str, parameter: str, stage: str
) -> None:
    directory = copy_programme(tmp_path, programme_id)
    edit_yaml(directory / "parameters.yaml", lambda data: data.pop(parameter))
    assert_fails(directory, "parameters.yaml", parameter, f"is missing: required by {stage}")


@pytest.mark.parametrize("programme_id", SHIPPED)
def test_a_shipped_programme_without_its_retention_period(
    tmp_path: Path, programme_id: str
) -> None:
    directory = copy_programme(tmp_path, programme_id)
    edit_yaml(directory / "parameters.yaml", lambda data: data.pop("personal_data_retention"))
    assert_fails(
        directory,
        "parameters.yaml",
        "personal_data_retention",
        "is missing: every programme defines it",
    )


def test_a_retention_period_that_is_not_a_duration(tmp_path: Path) -> None:
    parameters = RULE_SET_PARAMETERS | VISA_STAGE_PARAMETERS
    parameters["personal_data_retention"] = dated("integer", 5)
    directory = write_programme(tmp_path, parameters)
    assert_fails(
        directory,
        "parameters.yaml",
        "personal_data_retention.type",
        "must be duration, not integer",
    )


@pytest.mark.parametrize("programme_id", SHIPPED)
def test_every_shipped_programme_keeps_personal_data_five_years_by_haven_s_reading(
    programme_id: str,
) -> None:
    parameter = load_programmes()[programme_id].parameter("personal_data_retention")
    [value] = parameter.values
    assert value.value == {"years": 5}
    assert value.reference.act.startswith("Federal Law No. 152-FZ")
    assert value.reference.article
    assert value.reference.article.startswith("art. 5 part 7")
    assert value.reference.interpretation


@pytest.mark.parametrize("programme_id", SHIPPED)
def test_every_shipped_stage_has_what_it_needs(programme_id: str) -> None:
    programme = load_programmes()[programme_id]
    for name, requirement in stage_requirements(programme.stages).items():
        assert programme.parameter(name).type == requirement.type
        assert programme.parameter(name).values
