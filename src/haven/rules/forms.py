from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.rules.amendments import AmendmentError, AmendmentSpec, Operation
from haven.rules.display import country_list_names, nationality_choices, state_choices
from haven.rules.eligibility import EligibilityInputError
from haven.rules.models import Amendment
from haven.rules.nationality import country_name
from haven.rules.programme import Programme
from haven.rules.references import LegalReference
from haven.rules.vocabulary import parameter_label

ISO_DATE = "%Y-%m-%d"


class Radios(forms.RadioSelect):
    """Radio buttons whose field label points at the first option (for the error summary)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)


class EligibilityCheckForm(forms.Form):
    """The pre-check: a stage, up to three citizenships, a state of residence, a date."""

    stage = forms.ChoiceField(
        label=_("What do you want to check?"),
        widget=Radios,
        error_messages={"required": _("Choose what you want to check.")},
    )
    nationality = forms.ChoiceField(
        label=_("Your citizenship"),
        help_text=_(
            "As shown in your passport. Without a citizenship, choose “Stateless” or the kind "
            "of your refugee travel document."
        ),
        error_messages={"required": _("Choose your citizenship, or “Stateless” if you have none.")},
    )
    nationality_2 = forms.ChoiceField(label=_("A second citizenship"), required=False)
    nationality_3 = forms.ChoiceField(label=_("A third citizenship"), required=False)
    residence = forms.ChoiceField(
        label=_("State of permanent residence"),
        required=False,
        help_text=_("Needed only if you have no citizenship: where you live permanently."),
    )
    date = forms.DateField(
        label=_("Date of your application"),
        help_text=_("The rules change over time; the check applies those in force on this date."),
        widget=_date_input(),
        error_messages={
            "required": _("Enter the date of your application."),
            "invalid": _("Enter a real date, for example 2024-10-01."),
        },
    )

    def __init__(
        self, data: Any = None, *, programme: Programme, language: str, today: dt.date
    ) -> None:
        super().__init__(data, initial={"stage": programme.stages[0].id, "date": today})
        _choice_field(self, "stage").choices = [
            (stage.id, programme.localised(stage.title, language)) for stage in programme.stages
        ]
        citizenships = nationality_choices(language)
        _choice_field(self, "nationality").choices = [
            ("", _("Choose a citizenship")),
            *citizenships,
        ]
        for name in ("nationality_2", "nationality_3"):
            _choice_field(self, name).choices = [("", _("None")), *citizenships]
        _choice_field(self, "residence").choices = [("", _("None given")), *state_choices(language)]

    def nationalities(self) -> list[str]:
        chosen = [self.cleaned_data.get(name) for name in ("nationality", *_MORE_NATIONALITIES)]
        return list(dict.fromkeys(code for code in chosen if code))

    def add_input_error(self, error: EligibilityInputError) -> None:
        """Show an input the rules refused beside its field (the choices make it rare)."""
        field = {"nationalities": "nationality"}.get(error.field, error.field)
        if error.field == "nationalities" and error.index:
            field = _MORE_NATIONALITIES[min(error.index, len(_MORE_NATIONALITIES)) - 1]
        self.add_error(field if field in self.fields else None, str(_INPUT_ERRORS[error.code]))


_MORE_NATIONALITIES = ("nationality_2", "nationality_3")
_INPUT_ERRORS: dict[str, Promise] = {
    "UNKNOWN_PROGRAMME": _("This programme does not exist."),
    "UNKNOWN_STAGE": _("Choose one of the stages listed."),
    "UNKNOWN_NATIONALITY": _("Choose a citizenship from the list."),
    "RESIDENCE_NOT_A_STATE": _("Choose a state from the list."),
}


class AmendmentForm(forms.Form):
    """A state added to or removed from one of a programme's lists, with its legal act."""

    parameter = forms.ChoiceField(
        label=_("List"),
        widget=Radios,
        error_messages={"required": _("Choose the list the act changes.")},
    )
    operation = forms.ChoiceField(
        label=_("Change"),
        choices=Amendment.OperationChoice.choices,
        widget=Radios,
        error_messages={"required": _("Choose whether the act adds or removes a state.")},
    )
    country = forms.ChoiceField(
        label=_("State or territory"),
        error_messages={"required": _("Choose the state the act adds or removes.")},
    )
    effective_from = forms.DateField(
        label=_("Effective from"),
        help_text=_("The first day on which the changed list applies."),
        widget=_date_input(),
        error_messages={
            "required": _("Enter the date from which the changed list applies."),
            "invalid": _("Enter a real date, for example 2027-01-01."),
        },
    )
    act = forms.CharField(
        label=_("Legal act"),
        max_length=300,
        help_text=_(
            "Its kind, number and date, e.g. “Government Order No. 1234-r of 1 June 2026”."
        ),
        error_messages={"required": _("Enter the legal act that makes the change.")},
    )
    act_date = forms.DateField(
        label=_("Date of the act"),
        required=False,
        widget=_date_input(),
        error_messages={"invalid": _("Enter a real date, for example 2026-12-01.")},
    )
    article = forms.CharField(label=_("Article or paragraph"), max_length=200, required=False)
    url = forms.URLField(
        label=_("Web address of the act"),
        required=False,
        assume_scheme="https",
        help_text=_("Where the official text is published, if it is online."),
    )

    def __init__(self, data: Any = None, *, programme: Programme, language: str) -> None:
        super().__init__(data)
        self.language = language
        names = country_list_names(programme)
        _choice_field(self, "parameter").choices = [
            (name, parameter_label(name, programme.parameter(name).description)) for name in names
        ]
        if len(names) == 1:
            self.fields["parameter"].initial = names[0]
        _choice_field(self, "country").choices = [
            ("", _("Choose a state")),
            *state_choices(language),
        ]

    def spec(self) -> AmendmentSpec:
        data = self.cleaned_data
        return AmendmentSpec(
            parameter=data["parameter"],
            operation=Operation(data["operation"]),
            effective_from=data["effective_from"],
            country=data["country"],
            reference=LegalReference(
                act=data["act"],
                date=data["act_date"],
                article=data["article"] or None,
                url=data["url"] or None,
            ),
        )

    def add_amendment_error(self, error: AmendmentError) -> None:
        """The action's refusal as a message in the user's language, beside its field."""
        data = self.cleaned_data
        values = {
            "state": country_name(data.get("country") or "", self.language),
            "date": formats.date_format(data["effective_from"], "DATE_FORMAT")
            if data.get("effective_from")
            else "",
        }
        field, message = _AMENDMENT_ERRORS.get(error.code, (None, _DEFAULT_AMENDMENT_ERROR))
        self.add_error(field, str(message) % values)


_DEFAULT_AMENDMENT_ERROR = _("This amendment cannot be recorded.")
_AMENDMENT_ERRORS: dict[str, tuple[str | None, Promise]] = {
    "ALREADY_LISTED": (
        "country",
        _("%(state)s is already on this list on %(date)s, so it cannot be added."),
    ),
    "NOT_LISTED": (
        "country",
        _("%(state)s is not on this list on %(date)s, so it cannot be removed."),
    ),
    "UNKNOWN_COUNTRY": ("country", _("Choose a state from the list.")),
    "NOT_A_COUNTRY_LIST": ("parameter", _("This rule is not a list of states.")),
    "UNKNOWN_PARAMETER": ("parameter", _("This programme has no such list.")),
    "CONFLICTS_WITH_LATER_AMENDMENT": (
        "effective_from",
        _(
            "An amendment recorded for a later date would no longer apply after this one "
            "(for example, it adds the same state). Record a correction of that amendment "
            "instead."
        ),
    ),
}
