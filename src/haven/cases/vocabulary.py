"""Words for the codes programmes use in their parameters: documents and their explanations."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DOCUMENTS: dict[str, tuple[Promise, Promise]] = {
    "passport_scan": (
        _("Passport: the page with your photo"),
        _(
            "A clear scan or photo of the whole page with your photo and the two lines of "
            "letters and numbers at the bottom, with nothing covered."
        ),
    ),
    "photo": (
        _("Photo of your face"),
        _(
            "A recent colour photo of your face against a plain light background, looking "
            "straight at the camera, without a hat or sunglasses."
        ),
    ),
    # Files sent with an answer to an official's request for information.
    "additional": (
        _("Additional document"),
        _("A document you sent with your answer to an official's request for information."),
    ),
}


def document_label(kind: str) -> str:
    return str(DOCUMENTS[kind][0]) if kind in DOCUMENTS else kind


def document_help(kind: str) -> str:
    return str(DOCUMENTS[kind][1]) if kind in DOCUMENTS else ""
