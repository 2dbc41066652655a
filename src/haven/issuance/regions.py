"""The issuing state's regions (ISO 3166-2), which a permit names."""

from __future__ import annotations

from functools import cache

import pycountry
from django.conf import settings


@cache
def _regions(state: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        sorted(
            (
                (region.code, region.name)
                for region in pycountry.subdivisions
                if region.country_code == state.upper()
            ),
            key=lambda pair: pair[1],
        )
    )


def region_choices() -> tuple[tuple[str, str], ...]:
    """(code, name) for every region of the issuing state, by name."""
    return _regions(settings.HAVEN_ISSUING_STATE)


def region_name(code: str) -> str:
    return dict(region_choices()).get(code, code)
