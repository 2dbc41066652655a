"""The analyst's figures: how many applications there are, at which status, from which states.

Counts only, never a person: the same figures as ``haven cases summary``,
labelled in the reader's language and grouped by programme.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count

from haven.accounts.models import User
from haven.cases.models import Case
from haven.cases.queues import nationality_label, status_code_label
from haven.cases.selectors import case_summary
from haven.cases.transitions import WITHDRAWN, programme_table
from haven.rules.display import collation_key
from haven.rules.selectors import programme_list

VIEW_PERMISSION = "accounts.view_statistics"


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    share: float  # of the total the figure belongs to, from 0 to 1


@dataclass(frozen=True)
class ProgrammeFigures:
    title: str
    total: int
    by_status: tuple[Figure, ...]


@dataclass(frozen=True)
class CaseFigures:
    total: int
    programmes: tuple[ProgrammeFigures, ...]
    by_nationality: tuple[Figure, ...]


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def case_figures_for_analyst(user: User, *, language: str) -> CaseFigures:
    """Every case counted by programme and status, and by the applicant's first citizenship.

    For analysts (``view_statistics``), else ``PermissionDenied``. Drafts and
    withdrawn applications count too, as in ``haven cases summary``. Five
    grouped queries and one for the programmes, however many cases there are.
    """
    if not user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    summary = case_summary()
    counted: dict[str, dict[str, int]] = {}
    rows = Case.objects.order_by().values("programme", "status").annotate(count=Count("*"))
    for row in rows:
        counted.setdefault(row["programme"], {})[row["status"]] = row["count"]

    programmes = []
    for programme in programme_list():
        statuses = counted.get(programme.id)
        if not statuses:
            continue
        # The order a case moves in: draft, each stage's statuses, withdrawn last.
        order = [status for status in programme_table(programme) if status != WITHDRAWN]
        order += [WITHDRAWN, *sorted(set(statuses) - {*order, WITHDRAWN})]
        total = sum(statuses.values())
        programmes.append(
            ProgrammeFigures(
                title=programme.localised(programme.title, language),
                total=total,
                by_status=tuple(
                    Figure(
                        label=status_code_label(programme, status, language),
                        count=statuses[status],
                        share=_share(statuses[status], total),
                    )
                    for status in order
                    if statuses.get(status)
                ),
            )
        )
    by_nationality = sorted(
        (
            Figure(nationality_label(code, language), count, _share(count, summary.total))
            for code, count in summary.by_nationality.items()
        ),
        key=lambda figure: (-figure.count, collation_key(figure.label)),
    )
    return CaseFigures(
        total=summary.total, programmes=tuple(programmes), by_nationality=tuple(by_nationality)
    )
