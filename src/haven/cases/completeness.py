"""What is still missing before an application can be submitted, section by section."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case
from haven.cases.vocabulary import document_label
from haven.people.models import Passport, Person
from haven.rules.durations import add_duration
from haven.rules.programme import Programme


class Section(enum.StrEnum):
    ABOUT_YOU = "about-you"
    PASSPORT = "passport"
    DECLARATION = "declaration"
    DOCUMENTS = "documents"


SECTION_TITLES: dict[Section, Promise] = {
    Section.ABOUT_YOU: _("About you"),
    Section.PASSPORT: _("Passport"),
    Section.DECLARATION: _("Declaration"),
    Section.DOCUMENTS: _("Documents"),
}

PERSON_REQUIRED: tuple[tuple[str, Promise], ...] = (
    ("surname", _("Enter your surname as in your passport")),
    ("given_names", _("Enter your given names as in your passport")),
    ("birth_date", _("Enter your date of birth")),
    ("birth_place", _("Enter your place of birth")),
    ("sex", _("Select your sex as in your passport")),
    ("citizenships", _("Select at least one citizenship")),
    ("residence", _("Select your country of permanent residence")),
    ("address", _("Enter your address")),
    ("phone", _("Enter a phone number")),
    ("email", _("Enter an email address")),
)
PASSPORT_REQUIRED: tuple[tuple[str, Promise], ...] = (
    ("number", _("Enter your passport number")),
    ("issuing_state", _("Select the state that issued your passport")),
    ("issue_date", _("Enter the passport's date of issue")),
    ("expiry_date", _("Enter the passport's date of expiry")),
)


@dataclass(frozen=True)
class Missing:
    section: Section
    field: str
    message: str


def passport_validity_problem(
    programme: Programme, passport: Passport, on_date: date
) -> str | None:
    """A blocking problem with the passport's dates, or None."""
    if passport.expiry_date is None:
        return None
    if passport.expiry_date < on_date:
        return str(_("Your passport has expired. Apply with a valid passport."))
    minimum = (
        programme.value("passport_minimum_validity", on_date)
        if ("passport_minimum_validity" in programme.parameters)
        else None
    )
    if minimum is not None and passport.expiry_date < add_duration(on_date, minimum.value):
        return str(
            _(
                "Your passport expires too soon: it must be valid until at least %(date)s. "
                "Apply with a passport that is valid for longer."
            )
            % {"date": formats.date_format(add_duration(on_date, minimum.value), "DATE_FORMAT")}
        )
    return None


def missing_items(
    case: Case,
    programme: Programme,
    person: Person,
    passport: Passport,
    uploaded_kinds: set[str],
    on_date: date,
) -> list[Missing]:
    missing = [
        Missing(Section.ABOUT_YOU, name, str(message))
        for name, message in PERSON_REQUIRED
        if not getattr(person, name)
    ]
    missing += [
        Missing(Section.PASSPORT, name, str(message))
        for name, message in PASSPORT_REQUIRED
        if not getattr(passport, name)
    ]
    problem = passport_validity_problem(programme, passport, on_date)
    if problem:
        missing.append(Missing(Section.PASSPORT, "expiry_date", problem))
    if not hasattr(case, "declaration"):
        missing.append(Missing(Section.DECLARATION, "full_name", str(_("Sign the declaration"))))
    for kind in required_documents(programme, case.stage, on_date):
        if kind not in uploaded_kinds:
            missing.append(
                Missing(
                    Section.DOCUMENTS,
                    kind,
                    str(_("Upload: %(document)s") % {"document": document_label(kind)}),
                )
            )
    return missing


def required_documents(programme: Programme, stage: str, on_date: date) -> tuple[str, ...]:
    value = programme.optional_value(programme.stage(stage).documents_parameter, on_date)
    return tuple(value.value) if value else ()
