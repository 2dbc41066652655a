from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# A hint to the browser's file picker only: Haven decides the type by content.
ACCEPT = ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"


class DocumentUploadForm(forms.Form):
    """One file. The content is checked by ``document_upload``, not here.

    The view does::

        try:
            document_upload(actor=..., case=..., kind=..., uploaded_file=form.cleaned_data["file"],
                            allowed_kinds=...)
        except UploadRefused as refusal:
            form.add_error("file", refusal.message)

    so the applicant sees the refusal beside the field and in the error summary.
    """

    file = forms.FileField(
        label=_("Upload a file"),
        # An empty file reaches the checks, which explain what to do about it.
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("Choose a file to upload.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form, so the size is written the reader's way ("10 MB" in English, "10 Mo" in French).
        pages = settings.HAVEN_UPLOAD_MAX_PDF_PAGES
        self.fields["file"].help_text = ngettext(
            "A JPEG, PNG or PDF file, up to %(size)s. A PDF may have at most %(pages)d page.",
            "A JPEG, PNG or PDF file, up to %(size)s. A PDF may have at most %(pages)d pages.",
            pages,
        ) % {"size": filesizeformat(settings.HAVEN_UPLOAD_MAX_BYTES), "pages": pages}
