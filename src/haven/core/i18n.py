"""The reader's language, as Haven's catalogs and programme texts name it."""

from __future__ import annotations

from django.utils import translation


def current_language() -> str:
    """The active language's two-letter code (en, ru, de, fr, it, es); English when none is."""
    return (translation.get_language() or "en")[:2]
