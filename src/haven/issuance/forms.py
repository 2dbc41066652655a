"""Forms of the verification page and of the officials' notification record."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ISO_DATE = "%Y-%m-%d"


class VerificationForm(forms.Form):
    number = forms.CharField(
        label=_("Document number"),
        max_length=16,
        help_text=_("As printed on the document, for example V26000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the document number.")},
    )
    token = forms.CharField(
        label=_("Verification code"),
        max_length=64,
        help_text=_("Printed beside the QR code on the document."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the verification code.")},
    )


class NotificationRecordForm(forms.Form):
    made_on = forms.DateField(
        label=_("Date the holder made the notification"),
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
        input_formats=[ISO_DATE],
        error_messages={
            "required": _("Enter the date the notification was made."),
            "invalid": _("Enter a real date, for example 2027-03-14."),
        },
    )
