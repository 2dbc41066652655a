"""Legal references: where a value comes from, and whether it is Haven's reading of unclear law."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class LegalReference:
    act: str
    date: date | None = None
    article: str | None = None
    url: str | None = None
    interpretation: str | None = None  # set when the value is a reading of unclear law

    def citation(self) -> str:
        """One line a person can check: the act, its article, and what is read into it."""
        parts = [self.act]
        if self.article:
            parts.append(self.article)
        text = ", ".join(parts)
        if self.url:
            text += f" <{self.url}>"
        if self.interpretation:
            text += f" [interpretation: {self.interpretation}]"
        return text

    def as_dict(self) -> dict[str, str | None]:
        return {
            "act": self.act,
            "date": self.date.isoformat() if self.date else None,
            "article": self.article,
            "url": self.url,
            "interpretation": self.interpretation,
        }
