from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.audit.models import EventType
from haven.audit.selectors import TrailFilter


class TrailFilterForm(forms.Form):
    event_type = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All events")), *EventType.choices]
    )
    actor_email = forms.EmailField(label=_("Actor's email address"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned

    def to_filter(self) -> TrailFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return TrailFilter(
            event_type=data.get("event_type", ""),
            actor_email=data.get("actor_email", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
