"""What would change: outcomes under the rules as they stand and as amended.

Applicants are synthetic here (arrays of integer nationality codes); both
rule versions are compiled into ``BatchEvaluator`` tables and compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import numpy.typing as npt

from haven.rules.amendments import AmendmentSpec, apply_amendments
from haven.rules.batch import OUTCOMES, BatchEvaluator, compile_batch
from haven.rules.evaluate import Facts, evaluate
from haven.rules.programme import Programme

# The list a rule set reads: the target of "add:XX@date" and "remove:XX@date".
LIST_PARAMETER = {"designated-states": "designated_states", "persecution": "qualifying_states"}
CHUNK = 250_000


@dataclass(frozen=True)
class Applicants:
    first: npt.NDArray[np.int32]
    second: npt.NDArray[np.int32]  # -1: none
    residence: npt.NDArray[np.int32]  # -1: none

    def __len__(self) -> int:
        return len(self.first)

    def chunk(self, start: int, stop: int) -> Applicants:
        return Applicants(
            self.first[start:stop], self.second[start:stop], self.residence[start:stop]
        )


def synthetic_applicants(
    count: int, batch: BatchEvaluator, listed: Iterable[str], *, seed: int = 2024
) -> Applicants:
    """Applicants drawn mostly from the listed states, as the programme's figures show.

    About 70 % citizens of listed states, 22 % of other states, 3 % Russian
    citizens, 3 % stateless persons or refugees, 2 % with no nationality shown;
    15 % hold a second citizenship; 70 % state a residence (usually their
    state of citizenship).
    """
    rng = np.random.default_rng(seed)
    codes = batch.codes
    listed_idx = np.array([codes.index(c) for c in sorted(set(listed)) if c in codes] or [0])
    special = {code: codes.index(code) for code in ("RU", "XXA", "XXB", "XXC", "XXX")}
    others = np.array([i for i, c in enumerate(codes) if len(c) == 2 and c not in listed])
    draw = rng.random(count)
    first = np.where(
        draw < 0.70,
        rng.choice(listed_idx, count),
        np.where(
            draw < 0.92,
            rng.choice(others, count),
            np.where(
                draw < 0.95,
                special["RU"],
                np.where(
                    draw < 0.98,
                    rng.choice([special["XXA"], special["XXB"], special["XXC"]], count),
                    special["XXX"],
                ),
            ),
        ),
    ).astype(np.int32)
    second = np.where(rng.random(count) < 0.15, rng.choice(others, count), -1).astype(np.int32)
    state_of = {code: i for i, code in enumerate(batch.residence_codes)}
    own_state = np.array([state_of.get(code, -1) for code in codes], dtype=np.int32)[first]
    random_state = rng.integers(0, len(batch.residence_codes), count, dtype=np.int32)
    has_residence = rng.random(count) < 0.70
    residence = np.where(
        has_residence, np.where(own_state >= 0, own_state, random_state), -1
    ).astype(np.int32)
    return Applicants(first, second, residence)


@dataclass
class SimulationReport:
    total: int = 0
    changed: int = 0
    outcomes_before: Counter[str] = field(default_factory=Counter)
    outcomes_after: Counter[str] = field(default_factory=Counter)
    # (citizenships, e.g. "PE + HU"; outcome before; outcome after) -> count
    by_nationality: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    by_reason: Counter[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=Counter)


def amended(programme: Programme, specs: Iterable[AmendmentSpec]) -> Programme:
    """Apply proposed amendments to the programme's list of states."""
    parameter = LIST_PARAMETER.get(programme.eligibility, "")
    return apply_amendments(
        programme, [replace(s, parameter=s.parameter or parameter) for s in specs]
    )


def simulate(
    programme: Programme,
    proposed: Programme,
    applicants: Applicants,
    on_date: date,
    stage: str | None = None,
    *,
    assume_in_force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SimulationReport:
    before = compile_batch(programme, on_date, stage, assume_in_force=assume_in_force)
    after = compile_batch(proposed, on_date, stage, assume_in_force=assume_in_force)
    report = SimulationReport()
    for start in range(0, len(applicants), CHUNK):
        part = applicants.chunk(start, start + CHUNK)
        old = before.evaluate(part.first, part.second, part.residence)
        new = after.evaluate(part.first, part.second, part.residence)
        report.total += len(part)
        for index, count in enumerate(np.bincount(old, minlength=len(OUTCOMES))):
            report.outcomes_before[OUTCOMES[index].value] += int(count)
        for index, count in enumerate(np.bincount(new, minlength=len(OUTCOMES))):
            report.outcomes_after[OUTCOMES[index].value] += int(count)
        changed = np.flatnonzero(old != new)
        report.changed += len(changed)
        if len(changed):
            old_reasons = before.reasons_of(part.first, part.second, part.residence)[changed]
            new_reasons = after.reasons_of(part.first, part.second, part.residence)[changed]
            keys = np.stack([part.first[changed], part.second[changed], old[changed], new[changed]])
            rows, counts = np.unique(keys, axis=1, return_counts=True)
            for (first, second, was, now), count in zip(rows.T, counts, strict=True):
                held = before.codes[int(first)]
                if second >= 0:
                    held += " + " + before.codes[int(second)]
                key = (held, OUTCOMES[int(was)].value, OUTCOMES[int(now)].value)
                report.by_nationality[key] += int(count)
            pairs, counts = np.unique(
                np.stack([old_reasons, new_reasons]), axis=1, return_counts=True
            )
            for (was_reason, now_reason), count in zip(pairs.T, counts, strict=True):
                key2 = (before.reason_table[int(was_reason)], after.reason_table[int(now_reason)])
                report.by_reason[key2] += int(count)
        if progress:
            progress(len(part))
    return report


@dataclass(frozen=True)
class ApplicationFacts:
    """What the simulation needs of one stored application."""

    nationalities: tuple[str, ...]
    residence: str | None
    on_date: date
    stage: str


def simulate_applications(
    programme: Programme,
    proposed: Programme,
    applications: Iterable[ApplicationFacts],
    *,
    on_date: date | None = None,
    assume_in_force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SimulationReport:
    """Each application under both versions of the rules, case by case with ``evaluate``.

    Each is evaluated on its own date (submission, or start for a draft)
    unless ``on_date`` is given.
    """

    report = SimulationReport()
    for application in applications:
        facts = Facts.from_codes(application.nationalities, application.residence)
        when = on_date or application.on_date
        before = evaluate(
            programme, facts, when, application.stage, assume_in_force=assume_in_force
        )
        after = evaluate(proposed, facts, when, application.stage, assume_in_force=assume_in_force)
        report.total += 1
        report.outcomes_before[before.outcome.value] += 1
        report.outcomes_after[after.outcome.value] += 1
        if before.outcome != after.outcome:
            report.changed += 1
            held = " + ".join(application.nationalities) or "-"
            report.by_nationality[(held, before.outcome.value, after.outcome.value)] += 1
            report.by_reason[(before.reason_codes, after.reason_codes)] += 1
        if progress:
            progress(1)
    return report
