"""The machine-readable zone's fields in words, for the pages that say where a fault lies.

Keyed by the values of ``haven.people.mrz.MrzField``.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MRZ_FIELD_NAMES: dict[str, Promise] = {
    "document_number": _("passport number"),
    "issuing_state": _("issuing state"),
    "nationality": _("nationality"),
    "surname": _("surname"),
    "given_names": _("given names"),
    "birth_date": _("date of birth"),
    "sex": _("sex"),
    "expiry_date": _("date of expiry"),
    "optional_data": _("personal number"),
    "composite": _("final check digit"),
    "line1": _("first line"),
    "line2": _("second line"),
    "document_code": _("document type"),
}
