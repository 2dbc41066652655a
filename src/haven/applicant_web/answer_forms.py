"""The applicant's answer to a request for information: the text and any files.

The files' content is checked by ``case_answer_information`` (through the
documents app), not here; the form only counts them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from haven.casework.applicant_actions import ANSWER_MAX_FILES
from haven.documents.forms import ACCEPT

# Long enough for any explanation, short enough to read.
ANSWER_MAX_LENGTH = 10_000


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type="file" multiple>``: cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, (list, tuple)) else [data]
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in items]
        return [item for item in cleaned if item]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write your answer to the request.")},
    )
    attachments = MultipleFileField(
        label=_("Files"),
        required=False,
        # An empty file reaches the checks, which explain what to do about it.
        allow_empty_file=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = ngettext(
            "If the official asked for a document, attach it here: up to %(count)d JPEG, PNG or "
            "PDF file of up to %(size)s.",
            "If the official asked for documents, attach them here: up to %(count)d JPEG, PNG or "
            "PDF files of up to %(size)s each.",
            ANSWER_MAX_FILES,
        ) % {"count": ANSWER_MAX_FILES, "size": filesizeformat(settings.HAVEN_UPLOAD_MAX_BYTES)}

    def clean_attachments(self) -> list[UploadedFile]:
        attachments: list[UploadedFile] = self.cleaned_data["attachments"]
        if len(attachments) > ANSWER_MAX_FILES:
            raise forms.ValidationError(
                ngettext(
                    "Choose at most %(count)d file.",
                    "Choose at most %(count)d files.",
                    ANSWER_MAX_FILES,
                )
                % {"count": ANSWER_MAX_FILES},
                code="too_many_files",
            )
        return attachments
