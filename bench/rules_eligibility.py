"""Benchmark: eligibility of 1,000,000 synthetic applicants for one date.

    make bench            (or: HAVEN_ENV=test .venv/bin/python bench/rules_eligibility.py)

Prints the time to compile the rules for the date (once per programme, date
and stage) and to evaluate one million applicants, best of several runs, and
the per-case evaluator's rate for comparison. Figures only; nothing asserted.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
os.environ.setdefault("HAVEN_ENV", "test")

import django

django.setup()

from haven.rules.batch import compile_batch
from haven.rules.evaluate import Facts, evaluate
from haven.rules.loader import load_programmes
from haven.rules.simulation import synthetic_applicants

APPLICANTS = 1_000_000
RUNS = 7
ON_DATE = date(2025, 10, 22)


def best(times: list[float]) -> str:
    return f"best {min(times) * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms"


def main() -> None:
    programme = load_programmes()["shared-values"]
    for stage in ("visa", "trp"):
        compile_times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            batch = compile_batch(programme, ON_DATE, stage)
            compile_times.append(time.perf_counter() - start)
        listed = programme.value("designated_states", ON_DATE)
        applicants = synthetic_applicants(APPLICANTS, batch, listed.value if listed else [])
        eval_times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            batch.evaluate(applicants.first, applicants.second, applicants.residence)
            eval_times.append(time.perf_counter() - start)
        total = [c + e for c, e in zip(compile_times, eval_times, strict=True)]
        print(f"shared-values, stage {stage}, {APPLICANTS:,} applicants on {ON_DATE}:")
        print(f"  compile rules for the date: {best(compile_times)}")
        print(f"  evaluate all applicants:    {best(eval_times)}")
        print(f"  compile + evaluate:         {best(total)}")

    sample = [
        Facts.from_codes(
            [batch.codes[int(f)]] + ([batch.codes[int(s)]] if s >= 0 else []),
            batch.residence_codes[int(r)] if r >= 0 else None,
        )
        for f, s, r in zip(
            applicants.first[:20_000],
            applicants.second[:20_000],
            applicants.residence[:20_000],
            strict=True,
        )
    ]
    start = time.perf_counter()
    for facts in sample:
        evaluate(programme, facts, ON_DATE, "trp")
    elapsed = time.perf_counter() - start
    rate = len(sample) / elapsed
    print(
        f"per-case evaluate(): {rate:,.0f} applicants/s "
        f"(one million would take {APPLICANTS / rate:.1f} s)"
    )


if __name__ == "__main__":
    main()
