"""When an applicant can expect a decision: their place in the queue over the recent pace.

Not a promise and not the law: the statutory deadline is shown beside it, and
an estimate past the deadline says so. Two queries, however long the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from haven.cases.models import Case, Decision
from haven.cases.transitions import StageState, status_of

# The recent pace is the decisions of the last four weeks.
THROUGHPUT_WINDOW_DAYS = 28
# The states in which a case waits in the authority's queue.
QUEUED_STATES = (StageState.SUBMITTED, StageState.IN_REVIEW, StageState.INFO_REQUESTED)


@dataclass(frozen=True)
class Estimate:
    """A case's place in its stage's queue and what the recent pace makes of it.

    ``expected_on`` is None when the authority decided nothing in the window:
    then there is no pace to estimate from.
    """

    position: int  # 1 for the first in the queue
    decisions: int  # decisions of the programme's stage in the window
    window_days: int
    expected_on: date | None
    deadline: date | None

    @property
    def per_day(self) -> float:
        return self.decisions / self.window_days

    @property
    def after_deadline(self) -> bool:
        return bool(self.expected_on and self.deadline and self.expected_on > self.deadline)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def expected_decision(case: Case, today: date) -> Estimate | None:
    """The expected decision date of a case waiting for one; None for any other case.

    Position: the open cases (submitted, in review, information requested)
    of the same programme and stage that started the stage earlier (then:
    submitted earlier, then: created earlier), plus one. Pace: the decisions
    on that programme's stage in the last 28 days (today included), per day.
    Expected: today plus position / pace days, rounded up.
    """
    waiting = [status_of(case.stage, state) for state in QUEUED_STATES]
    if case.status not in waiting or case.stage_started_on is None or case.submitted_at is None:
        return None
    started, submitted = case.stage_started_on, case.submitted_at
    earlier = (
        Q(stage_started_on__lt=started)
        | Q(stage_started_on=started, submitted_at__lt=submitted)
        | Q(stage_started_on=started, submitted_at=submitted, pk__lt=case.pk)
    )
    ahead = Case.objects.filter(
        earlier, programme=case.programme, stage=case.stage, status__in=waiting
    ).count()
    first_day = today - timedelta(days=THROUGHPUT_WINDOW_DAYS - 1)
    decisions = Decision.objects.filter(
        case__programme=case.programme,
        stage=case.stage,
        decided_at__gte=_day_start(first_day),
        decided_at__lt=_day_start(today + timedelta(days=1)),
    ).count()
    position = ahead + 1
    expected_on = None
    if decisions:
        days = -(-position * THROUGHPUT_WINDOW_DAYS // decisions)  # rounded up, in integers
        expected_on = today + timedelta(days=days)
    return Estimate(
        position=position,
        decisions=decisions,
        window_days=THROUGHPUT_WINDOW_DAYS,
        expected_on=expected_on,
        deadline=case.deadline,
    )
