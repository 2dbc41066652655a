"""The section endpoints refuse what the pages' forms refuse, with the forms' own messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from haven.applicant_web.forms import AboutYouForm, DeclarationForm, PassportForm
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.people.models import Person
from tests.cases.helpers import MRZ, PERSON
from tests.cases_api.conftest import DECLARATION, about_you_body, call, detail_of, passport_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(applicant) -> tuple[Any, Case]:
    client, _user = applicant
    public_id = call(client, "post", "", {"programme": "shared-values"}).json()["public_id"]
    return client, Case.objects.get(public_id=public_id)


@pytest.fixture
def with_person(draft) -> tuple[Any, Case]:
    client, case = draft
    assert call(client, "put", f"/{case.public_id}/about-you", about_you_body()).status_code == 200
    return client, case


def form_message(form_class: type, data: dict[str, Any], field: str, **kwargs: Any) -> str:
    form = form_class(data, **kwargs)
    assert not form.is_valid()
    return str(form.errors[field][0])


def page_data(**changes: Any) -> dict[str, Any]:
    data = {k: v for k, v in about_you_body(**changes).items() if k != "citizenships"}
    return {**data, "citizenship": "DE"}


def saved(case: Case) -> tuple:
    person = Person.objects.select_related("passport").get(case=case)
    return (person.surname, person.birth_date, person.passport.mrz_line2, person.passport.number)


@pytest.mark.parametrize("language", ["en", "de", "ru"])
def test_a_date_that_is_not_in_the_calendar(draft, language: str) -> None:
    client, case = draft
    before = saved(case)
    response = call(
        client,
        "put",
        f"/{case.public_id}/about-you",
        about_you_body(birth_date="1985-02-30"),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 422
    with translation.override(language):
        expected = form_message(
            AboutYouForm, page_data(birth_date="1985-02-30"), "birth_date", language=language
        )
    assert detail_of(response) == [
        {"type": "invalid", "loc": ["body", "birth_date"], "msg": expected}
    ]
    assert saved(case) == before


def test_cyrillic_in_the_latin_name(draft) -> None:
    client, case = draft
    before = saved(case)
    response = call(client, "put", f"/{case.public_id}/about-you", about_you_body(surname="Шмидт"))
    assert response.status_code == 422
    assert detail_of(response) == [
        {
            "type": "invalid",
            "loc": ["body", "surname"],
            "msg": "Use only Latin letters, spaces, hyphens and apostrophes, as in your passport.",
        }
    ]
    assert saved(case) == before


def test_every_mistake_is_listed_at_once(draft) -> None:
    client, case = draft
    response = call(
        client,
        "put",
        f"/{case.public_id}/about-you",
        about_you_body(surname="", birth_date="2099-01-01", phone="call me", email="anna"),
    )
    assert response.status_code == 422
    assert [(item["type"], item["loc"]) for item in detail_of(response)] == [
        ("required", ["body", "surname"]),
        ("invalid", ["body", "birth_date"]),
        ("invalid", ["body", "phone"]),
        ("invalid", ["body", "email"]),
    ]


def test_citizenships_map_to_the_forms_three_fields(draft) -> None:
    client, case = draft
    url = f"/{case.public_id}/about-you"
    unknown = call(client, "put", url, about_you_body(citizenships=["DE", "QQ"]))
    assert [(i["type"], i["loc"]) for i in detail_of(unknown)] == [
        ("invalid_choice", ["body", "citizenships", 1])
    ]
    none = call(client, "put", url, about_you_body(citizenships=[]))
    assert [(i["type"], i["loc"]) for i in detail_of(none)] == [
        ("required", ["body", "citizenships"])
    ]
    four = call(client, "put", url, about_you_body(citizenships=["DE", "FR", "IT", "ES"]))
    assert four.status_code == 422
    assert [(i["type"], i["loc"]) for i in detail_of(four)] == [
        ("too_long", ["body", "payload", "citizenships"])
    ]
    three = call(client, "put", url, about_you_body(citizenships=["DE", "FR", "DE", "IT"][:3]))
    assert three.status_code == 200
    assert three.json()["about_you"]["citizenships"] == ["DE", "FR"]


def test_the_jsons_shape_is_checked_by_the_schema(draft) -> None:
    client, case = draft
    url = f"/{case.public_id}/about-you"
    body = {k: v for k, v in about_you_body().items() if k != "surname"}
    missing = call(client, "put", url, body)
    assert [(i["type"], i["loc"]) for i in detail_of(missing)] == [
        ("missing", ["body", "payload", "surname"])
    ]
    extra = call(client, "put", url, about_you_body(citizenship="DE"))
    assert [(i["type"], i["loc"]) for i in detail_of(extra)] == [
        ("extra_forbidden", ["body", "payload", "citizenship"])
    ]
    not_json = client.put(
        f"/api/v1/applications/{case.public_id}/about-you", "{", content_type="application/json"
    )
    assert not_json.status_code == 400
    assert [i["type"] for i in detail_of(not_json)] == ["invalid_json"]


def test_a_wrong_check_digit_in_the_mrz(with_person) -> None:
    client, case = with_person
    before = saved(case)
    broken = MRZ[1][:9] + ("0" if MRZ[1][9] != "0" else "1") + MRZ[1][10:]
    response = call(client, "put", f"/{case.public_id}/passport", passport_body(mrz_line2=broken))
    assert response.status_code == 422
    person = Person.objects.get(case=case)
    expected = form_message(
        PassportForm,
        {**passport_body(), "mrz_line2": broken},
        "mrz_line2",
        language="en",
        person=person,
    )
    assert expected.startswith("The machine-readable zone has a mistake (")
    assert detail_of(response) == [
        {"type": "invalid", "loc": ["body", "mrz_line2"], "msg": expected}
    ]
    assert saved(case) == before


def test_an_mrz_that_does_not_match_what_was_typed(with_person) -> None:
    client, case = with_person
    before = saved(case)
    audit_count = AuditEvent.objects.count()
    response = call(
        client,
        "put",
        f"/{case.public_id}/passport",
        passport_body(number="C01X00T48", expiry_date="2033-06-30"),
    )
    assert response.status_code == 422
    (item,) = detail_of(response)
    assert item["loc"] == ["body", "mrz_line2"]
    assert item["msg"] == (
        "The machine-readable zone does not match what you typed: "
        "date of expiry, passport number. Check both."
    )
    assert saved(case) == before
    assert AuditEvent.objects.count() == audit_count


def test_the_mrz_is_also_checked_against_about_you(draft) -> None:
    client, case = draft
    body = about_you_body(surname="Muller")
    assert call(client, "put", f"/{case.public_id}/about-you", body).status_code == 200
    response = call(client, "put", f"/{case.public_id}/passport", passport_body())
    (item,) = detail_of(response)
    assert item["loc"] == ["body", "mrz_line2"]
    assert "surname" in item["msg"]


def test_a_passport_may_be_saved_in_part_while_a_draft(with_person) -> None:
    client, case = with_person
    response = call(client, "put", f"/{case.public_id}/passport", {"number": "C01X00T47"})
    assert response.status_code == 200
    assert response.json()["sections"][1]["state"] == "in_progress"
    assert response.json()["passport"]["number"] == "C01X00T47"


def test_the_declaration_needs_the_tick_and_the_name_from_about_you(with_person) -> None:
    client, case = with_person
    url = f"/{case.public_id}/declaration"
    person = Person.objects.get(case=case)
    response = call(client, "put", url, {**DECLARATION, "agree": False, "full_name": "Ann Smith"})
    assert response.status_code == 422
    assert detail_of(response) == [
        {
            "type": "required",
            "loc": ["body", "agree"],
            "msg": form_message(DeclarationForm, {}, "agree", person=person),
        },
        {
            "type": "invalid",
            "loc": ["body", "full_name"],
            "msg": form_message(
                DeclarationForm, {"full_name": "Ann Smith"}, "full_name", person=person
            ),
        },
    ]
    assert not hasattr(Case.objects.get(pk=case.pk), "declaration")
    signed = call(client, "put", url, {**DECLARATION, "full_name": "Schmidt Anna Maria"})
    assert signed.status_code == 200
    assert signed.json()["declaration"]["signed_at"] is not None


def test_the_person_is_saved_as_the_page_would_save_it(draft) -> None:
    client, case = draft
    response = call(
        client, "put", f"/{case.public_id}/about-you", about_you_body(given_names="  Anna   Maria ")
    )
    assert response.status_code == 200
    person = Person.objects.get(case=case)
    assert (person.given_names, person.birth_date, person.citizenships) == (
        "Anna Maria",
        PERSON["birth_date"],
        ["DE"],
    )
