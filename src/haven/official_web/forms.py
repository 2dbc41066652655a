"""The official's forms on the case page and its confirm pages.

Each decision form carries the case's ``version`` as the official saw it, so
a case someone else changed meanwhile is a conflict and nothing changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.cases.errors import CaseErrorCode
from haven.rules.programme import Programme

ISO_DATE = "%Y-%m-%d"
DATE_ERRORS = {
    "required": _("Enter a date."),
    "invalid": _("Enter a real date, for example 2026-03-21."),
}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)


def _date_field(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=_date_input(),
        input_formats=[ISO_DATE],
        error_messages=DATE_ERRORS,
    )


class VersionForm(forms.Form):
    """The case's version when the official opened the page."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    # Which field a CaseError from the action belongs beside (None: the summary only).
    error_fields: dict[CaseErrorCode, str] = {}

    def add_case_error(self, code: CaseErrorCode, message: str) -> None:
        field = self.error_fields.get(code)
        self.add_error(field if field in self.fields else None, message)


class StartReviewForm(VersionForm):
    pass


class RequestInformationForm(VersionForm):
    message = forms.CharField(
        label=_("What the applicant should send or explain"),
        help_text=_("The applicant reads this on their application's page and in an email."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write what the applicant should send or explain.")},
    )
    due_on = _date_field(_("Answer due by"), _("At most a year ahead."))
    error_fields = {
        CaseErrorCode.MESSAGE_REQUIRED: "message",
        CaseErrorCode.DATE_OUT_OF_RANGE: "due_on",
    }


class ApproveForm(VersionForm):
    """Approval: a visa's first valid day, or a permit's region; an optional explanation."""

    valid_from = _date_field(_("Valid from"), _("The visa's first valid day: today or later."))
    region = forms.ChoiceField(
        label=_("Region of residence"),
        help_text=_("The region of the Russian Federation the permit is issued for."),
        error_messages={"required": _("Choose the region the permit is issued for.")},
    )
    explanation = forms.CharField(
        label=_("Note to the applicant"),
        help_text=_("Shown in the decision letter."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    error_fields = {
        CaseErrorCode.DATE_OUT_OF_RANGE: "valid_from",
        CaseErrorCode.REGION_REQUIRED: "region",
    }

    def __init__(
        self,
        *args: Any,
        issues: str,
        regions: tuple[tuple[str, str], ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if issues != "visa":
            del self.fields["valid_from"]
        if issues in ("", "visa"):
            del self.fields["region"]
        else:
            region = cast(forms.ChoiceField, self.fields["region"])
            region.choices = [("", _("Choose a region")), *regions]


def refusal_ground_choices(
    programme: Programme, stage_id: str, on_date: date, language: str
) -> list[tuple[str, str]]:
    """The grounds in force on the date: each as its title in the reader's language and article."""
    parameter = programme.optional_value(
        programme.stage(stage_id).refusal_grounds_parameter, on_date
    )
    if parameter is None:
        return []
    return [
        (
            ground["code"],
            f"{programme.localised(ground['title'], language)} — {ground['article']}",
        )
        for ground in parameter.value
    ]


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose group label points at the first box (for the error summary)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class RefuseForm(VersionForm):
    grounds = forms.MultipleChoiceField(
        label=_("Grounds for the refusal"),
        help_text=_("Choose every ground that applies. The applicant reads them in the letter."),
        widget=Checkboxes,
        error_messages={"required": _("Choose at least one ground for the refusal.")},
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        help_text=_(
            "Say plainly what the grounds mean in this case. Legal terms alone are not enough."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _(
                "Explain the decision in your own words: the applicant reads it in the letter."
            )
        },
    )
    error_fields = {
        CaseErrorCode.GROUNDS_REQUIRED: "grounds",
        CaseErrorCode.UNKNOWN_GROUND: "grounds",
        CaseErrorCode.EXPLANATION_REQUIRED: "explanation",
    }

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["grounds"]).choices = choices


class RecordEntryForm(VersionForm):
    entered_on = _date_field(
        _("Date of entry"), _("As stamped in the passport: within the visa's validity.")
    )
    error_fields = {CaseErrorCode.DATE_OUT_OF_RANGE: "entered_on"}


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("New note"),
        help_text=_("For colleagues only: the applicant never sees notes."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note first.")},
    )


class ChecklistForm(forms.Form):
    """Tick or untick one document of the stage's checklist."""

    code = forms.CharField(max_length=64, widget=forms.HiddenInput)
    checked = forms.BooleanField(required=False, widget=forms.HiddenInput)
