"""Calendar arithmetic for duration parameters ({"years": n}, {"months": n}, {"days": n})."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

# The units a duration parameter may use; the loader accepts these and no others.
DURATION_UNITS = ("years", "months", "days")


def add_duration(start: date, duration: dict[str, int]) -> date:
    """The date ``duration`` after ``start``, month ends clamped (31 Jan + 1 month = 28/29 Feb)."""
    (unit, amount), *rest = duration.items()
    if rest:
        raise ValueError(f"one unit per duration, not {duration}")
    if unit not in DURATION_UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    if unit == "days":
        return start + timedelta(days=amount)
    months = amount * 12 if unit == "years" else amount
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)
