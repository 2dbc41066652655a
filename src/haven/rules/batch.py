"""Evaluating many applicants at once, with the same answers as ``evaluate``.

For one programme, date and stage, the outcome depends on a nationality code
only through how the rules treat it (listed, not listed, excluded, without
citizenship, unspecified, ...). ``compile_batch`` sorts every code into such
classes by asking ``evaluate`` itself, then asks ``evaluate`` once for every
combination of classes. Evaluating a million applicants is then a lookup in a
small table over integer codes. Agreement with ``evaluate`` is by construction
and is also tested on samples.

Facts covered: one or two nationalities and an optional state of residence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from haven.rules.evaluate import Facts, evaluate
from haven.rules.nationality import all_nationality_codes, country_codes
from haven.rules.outcome import Evaluation, Outcome
from haven.rules.programme import Programme

NONE = -1  # no second nationality / no residence
OUTCOMES = tuple(Outcome)


@dataclass(frozen=True)
class BatchEvaluator:
    codes: tuple[str, ...]  # canonical nationality codes; index = integer code
    residence_codes: tuple[str, ...]  # states; index = integer residence code
    nationality_class: npt.NDArray[np.int16]  # per code, with a last entry for NONE
    residence_class: npt.NDArray[np.int16]  # per residence code, with a last entry for NONE
    outcome_table: npt.NDArray[np.int8]  # [class of 1st, class of 2nd, residence class]
    reason_table: tuple[tuple[str, ...], ...]  # flattened like outcome_table

    def code_index(self, code: str) -> int:
        return self.codes.index(code)

    def evaluate(
        self,
        first: npt.NDArray[np.integer],
        second: npt.NDArray[np.integer],
        residence: npt.NDArray[np.integer],
    ) -> npt.NDArray[np.int8]:
        """Outcome indices (into ``OUTCOMES``) for arrays of integer codes (-1: none)."""
        outcomes: npt.NDArray[np.int8] = self.outcome_table[self._classes(first, second, residence)]
        return outcomes

    def reasons_of(
        self,
        first: npt.NDArray[np.integer],
        second: npt.NDArray[np.integer],
        residence: npt.NDArray[np.integer],
    ) -> npt.NDArray[np.intp]:
        """Indices into ``reason_table`` for the same arrays."""
        shape = self.outcome_table.shape
        return np.ravel_multi_index(self._classes(first, second, residence), shape)

    def _classes(
        self,
        first: npt.NDArray[np.integer],
        second: npt.NDArray[np.integer],
        residence: npt.NDArray[np.integer],
    ) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16], npt.NDArray[np.int16]]:
        """The classes of each array's codes: the indices into ``outcome_table``."""
        first_class: npt.NDArray[np.int16] = self.nationality_class[first]
        second_class: npt.NDArray[np.int16] = self.nationality_class[second]
        residence_class: npt.NDArray[np.int16] = self.residence_class[residence]
        return first_class, second_class, residence_class


def _signature(result: Evaluation) -> tuple[str, tuple[str, ...]]:
    return result.outcome.value, result.reason_codes


def _classes(signatures: list[object]) -> tuple[npt.NDArray[np.int16], list[int]]:
    """Number equal signatures 0..k-1; return the class per item and a representative each."""
    numbering: dict[object, int] = {}
    classes = []
    representatives: list[int] = []
    for index, signature in enumerate(signatures):
        if signature not in numbering:
            numbering[signature] = len(numbering)
            representatives.append(index)
        classes.append(numbering[signature])
    return np.array([*classes, len(numbering)], dtype=np.int16), representatives


def compile_batch(
    programme: Programme, on_date: date, stage: str | None = None, *, assume_in_force: bool = False
) -> BatchEvaluator:
    codes = tuple(all_nationality_codes())
    states = tuple(country_codes())

    def run(nationalities: list[str], residence: str | None) -> Evaluation:
        facts = Facts.from_codes(nationalities, residence)
        return evaluate(programme, facts, on_date, stage, assume_in_force=assume_in_force)

    # Residences are told apart by what they do for a person without citizenship.
    residence_classes, residence_reps = _classes([_signature(run(["XXA"], r)) for r in states])
    # Nationalities by what they do alone, and with each kind of residence.
    residence_samples = [None, *(states[i] for i in residence_reps)]
    nationality_classes, nationality_reps = _classes(
        [tuple(_signature(run([c], r)) for r in residence_samples) for c in codes]
    )
    second_reps = _second_representatives(nationality_classes, nationality_reps)
    n_nat = len(nationality_reps)
    n_res = len(residence_reps)
    outcome_table = np.zeros((n_nat + 1, n_nat + 1, n_res + 1), dtype=np.int8)
    reasons: list[tuple[str, ...]] = []
    for first in range(n_nat + 1):
        for second in range(n_nat + 1):
            for home in range(n_res + 1):
                nationalities = []
                if first < n_nat:
                    nationalities.append(codes[nationality_reps[first]])
                if second < n_nat:
                    nationalities.append(codes[second_reps[second]])
                residence = states[residence_reps[home]] if home < n_res else None
                result = run(nationalities, residence)
                outcome_table[first, second, home] = OUTCOMES.index(result.outcome)
                reasons.append(result.reason_codes)
    return BatchEvaluator(
        codes, states, nationality_classes, residence_classes, outcome_table, tuple(reasons)
    )


def _second_representatives(classes: npt.NDArray[np.int16], reps: list[int]) -> list[int]:
    """For pairs within one class, a second member differing from the first where one exists."""
    second = list(reps)
    for class_index, first in enumerate(reps):
        members = np.flatnonzero(classes[:-1] == class_index)
        others = [int(m) for m in members if m != first]
        if others:
            second[class_index] = others[0]
    return second
