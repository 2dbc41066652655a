"""The application wizard's forms: each cleans input into plain values for one action."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.people.models import Sex
from haven.people.mrz import check_mrz, cross_check, is_mrz_like, to_mrz_name
from haven.people.mrz_labels import MRZ_FIELD_NAMES
from haven.rules.display import nationality_choices, state_choices
from haven.rules.nationality import parse_nationality

ISO_DATE = "%Y-%m-%d"
LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z '\-]*$")
PHONE = re.compile(r"^\+?[0-9 ()\-]{6,24}$")
DATE_ERRORS = {"invalid": _("Enter a real date, for example 1985-03-21.")}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)


class Radios(forms.RadioSelect):
    """Radio buttons whose label points at the first option (for the error summary)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class AboutYouForm(forms.Form):
    surname = forms.CharField(
        label=_("Surname"),
        max_length=100,
        help_text=_("In Latin letters, exactly as in your passport."),
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    given_names = forms.CharField(
        label=_("Given names"),
        max_length=100,
        help_text=_("In Latin letters, exactly as in your passport."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    native_surname = forms.CharField(
        label=_("Surname in your own script"), max_length=100, required=False
    )
    native_given_names = forms.CharField(
        label=_("Given names in your own script"), max_length=100, required=False
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=_date_input(),
        error_messages=DATE_ERRORS,
    )
    birth_place = forms.CharField(label=_("Place of birth"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex, as in your passport"), choices=Sex.choices, widget=Radios)
    citizenship = forms.ChoiceField(label=_("Citizenship"))
    citizenship_2 = forms.ChoiceField(label=_("A second citizenship"), required=False)
    citizenship_3 = forms.ChoiceField(label=_("A third citizenship"), required=False)
    residence = forms.ChoiceField(label=_("Country of permanent residence"))
    address = forms.CharField(
        label=_("Address"),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
        max_length=1000,
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=24,
        help_text=_("With the country code, for example +49 30 1234567."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        citizenships = nationality_choices(language)
        _choices(self, "citizenship").choices = [("", _("Choose a citizenship")), *citizenships]
        for name in ("citizenship_2", "citizenship_3"):
            _choices(self, name).choices = [("", _("None")), *citizenships]
        _choices(self, "residence").choices = [
            ("", _("Choose a country")),
            *state_choices(language),
        ]

    @classmethod
    def initial_from(cls, person: Any) -> dict[str, Any]:
        initial = {
            name: getattr(person, name)
            for name in (
                "surname",
                "given_names",
                "native_surname",
                "native_given_names",
                "birth_date",
                "birth_place",
                "sex",
                "residence",
                "address",
                "phone",
                "email",
            )
        }
        for index, code in enumerate(person.citizenships[:3]):
            initial["citizenship" if index == 0 else f"citizenship_{index + 1}"] = code
        return initial

    def _clean_latin(self, name: str) -> str:
        value = " ".join(self.cleaned_data[name].split())
        if not LATIN_NAME.match(value):
            raise forms.ValidationError(
                _("Use only Latin letters, spaces, hyphens and apostrophes, as in your passport.")
            )
        return value

    def clean_surname(self) -> str:
        return self._clean_latin("surname")

    def clean_given_names(self) -> str:
        return self._clean_latin("given_names")

    def clean_birth_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value >= today or value.year < today.year - 120:
            raise forms.ValidationError(_("Enter your real date of birth."))
        return value

    def clean_phone(self) -> str:
        value: str = self.cleaned_data["phone"].strip()
        if not PHONE.match(value):
            raise forms.ValidationError(
                _("Enter a phone number with digits, for example +49 30 1234567.")
            )
        return value

    def values(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("citizenship")}
        chosen = [
            self.cleaned_data.get(n) for n in ("citizenship", "citizenship_2", "citizenship_3")
        ]
        data["citizenships"] = list(dict.fromkeys(code for code in chosen if code))
        return data


def _field_names(fields: Any) -> str:
    names = {str(MRZ_FIELD_NAMES.get(field, _("a character"))) for field in fields}
    return ", ".join(sorted(names))


class PassportForm(forms.Form):
    mrz_line1 = forms.CharField(
        label=_("First line of the machine-readable zone"),
        required=False,
        max_length=60,
        help_text=_(
            "The two lines of letters, numbers and < signs at the bottom of the photo page."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "mrz"}
        ),
    )
    mrz_line2 = forms.CharField(
        label=_("Second line of the machine-readable zone"),
        required=False,
        max_length=60,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "mrz"}
        ),
    )
    number = forms.CharField(label=_("Passport number"), max_length=20, required=False)
    issuing_state = forms.ChoiceField(label=_("Issuing state"), required=False)
    issue_date = forms.DateField(
        label=_("Date of issue"), widget=_date_input(), required=False, error_messages=DATE_ERRORS
    )
    expiry_date = forms.DateField(
        label=_("Date of expiry"), widget=_date_input(), required=False, error_messages=DATE_ERRORS
    )

    def __init__(
        self, *args: Any, language: str, person: Any, fill: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.fill = fill
        _choices(self, "issuing_state").choices = [
            ("", _("Choose a state")),
            *state_choices(language),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        line1 = (data.get("mrz_line1") or "").strip().upper().replace(" ", "")
        line2 = (data.get("mrz_line2") or "").strip().upper().replace(" ", "")
        data["mrz_line1"], data["mrz_line2"] = line1, line2
        if line1 or line2:
            self._check_mrz(data, line1, line2)
        elif self.fill:
            self.add_error("mrz_line1", _("Type or paste both lines first."))
        issue, expiry = data.get("issue_date"), data.get("expiry_date")
        if issue and issue > timezone.localdate():
            self.add_error("issue_date", _("The date of issue cannot be in the future."))
        if issue and expiry and expiry <= issue:
            self.add_error("expiry_date", _("The date of expiry must be after the date of issue."))
        return data

    def _check_mrz(self, data: dict[str, Any], line1: str, line2: str) -> None:
        if not is_mrz_like(line1, line2):
            self.add_error(
                "mrz_line1", _("These lines do not look like a passport's machine-readable zone.")
            )
            return
        result = check_mrz(line1, line2)
        if not result.valid:
            self.add_error(
                "mrz_line2",
                _(
                    "The machine-readable zone has a mistake (%(fields)s). Check every character against your passport."
                )
                % {"fields": _field_names(e.field for e in result.errors)},
            )
            return
        fields = result.fields
        if self.fill:
            data["number"] = fields.document_number or ""
            if fields.issuing_state:
                data["issuing_state"] = parse_nationality(fields.issuing_state).code
            if fields.expiry_date:
                data["expiry_date"] = dt.date.fromisoformat(fields.expiry_date)
            return
        person = self.person
        problems = cross_check(
            result,
            surname=person.surname,
            given_names=person.given_names,
            document_number=data.get("number") or "",
            nationality=(person.citizenships or [""])[0],
            birth_date=person.birth_date,
            sex=person.sex,
            expiry_date=data.get("expiry_date"),
        )
        if problems:
            self.add_error(
                "mrz_line2",
                _(
                    "The machine-readable zone does not match what you typed: %(fields)s. Check both."
                )
                % {"fields": _field_names(p.field for p in problems)},
            )


class DeclarationForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read the declaration and I agree with it."),
        error_messages={"required": _("Tick the box to sign the declaration.")},
    )
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        help_text=_("Typing your full name is your signature."),
    )
    statement = forms.CharField(
        label=_("Personal statement"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In your own words, if you wish: why you want to move to Russia."),
    )

    def __init__(self, *args: Any, person: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_full_name(self) -> str:
        typed = " ".join(self.cleaned_data["full_name"].split())
        expected = {
            to_mrz_name(f"{self.person.given_names} {self.person.surname}"),
            to_mrz_name(f"{self.person.surname} {self.person.given_names}"),
        }
        try:
            matches = to_mrz_name(typed) in expected
        except ValueError:
            matches = typed.casefold() in {
                f"{self.person.native_given_names} {self.person.native_surname}".casefold(),
                f"{self.person.native_surname} {self.person.native_given_names}".casefold(),
            }
        if not matches:
            raise forms.ValidationError(_("Type your full name as you gave it under “About you”."))
        return typed
