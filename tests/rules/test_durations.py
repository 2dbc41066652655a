"""Calendar arithmetic for durations: month ends clamp, leap days count."""

from __future__ import annotations

from datetime import date

import pytest

from haven.rules.durations import add_duration


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (date(2025, 1, 31), {"months": 1}, date(2025, 2, 28)),
        (date(2024, 1, 31), {"months": 1}, date(2024, 2, 29)),
        (date(2024, 8, 31), {"months": 3}, date(2024, 11, 30)),
        (date(2024, 11, 15), {"months": 3}, date(2025, 2, 15)),
        (date(2024, 2, 29), {"years": 3}, date(2027, 2, 28)),
        (date(2024, 2, 29), {"years": 4}, date(2028, 2, 29)),
        (date(2024, 12, 25), {"days": 20}, date(2025, 1, 14)),
    ],
)
def test_adding_a_duration(start: date, duration: dict[str, int], expected: date) -> None:
    assert add_duration(start, duration) == expected


@pytest.mark.parametrize("duration", [{"weeks": 2}, {"months": 1, "days": 2}])
def test_a_duration_haven_cannot_add(duration: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="unit"):
        add_duration(date(2025, 1, 1), duration)
