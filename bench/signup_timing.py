"""Benchmark: how long sign-up answers for an address that has an account and one that has not.

    .venv/bin/python bench/signup_timing.py [--runs N]      (make bench runs it too)

An answer that comes back faster for one kind of address than the other tells
whoever measures it which addresses have accounts. This signs up N times with
the email of an existing account and N times with a new one, alternating, with
Django's test client against a throwaway SQLite database (in a temporary
directory, with Haven's SQLite settings: WAL, ``synchronous=FULL``), the
production password hasher (Argon2id at Django's cost) and the in-memory email
backend, and prints the median and spread of each path and their ratio.

Every attempt uses an address not used before, each from its own client
address, as an attacker probing a list would: allauth sends at most one
message per address every few minutes, and counts sign-ups per address.

Figures only; nothing is asserted (the tests assert that both paths do the
same work: ``tests/accounts/test_sign_up.py``).
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = tempfile.mkdtemp(prefix="haven-bench-signup-")
atexit.register(shutil.rmtree, WORK_DIR, ignore_errors=True)
# demo, not production: production insists on HTTPS, which the test client does not
# speak. The password hasher, the sign-up forms and the templates are production's.
os.environ.update(
    {
        "HAVEN_ENV": "demo",
        "HAVEN_VAR_DIR": WORK_DIR,
        "DATABASE_URL": f"sqlite:///{WORK_DIR}/haven.sqlite3",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
sys.path.insert(0, str(ROOT / "src"))

import django

django.setup()

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment

from haven.accounts.actions import user_create
from haven.accounts.models import User
from haven.accounts.roles import Role

PASSWORD = "violet harbour kettle drum"  # noqa: S105 - throwaway accounts in a throwaway database


def sign_up(email: str, address: str) -> tuple[float, int, int]:
    """One sign-up: seconds taken, the answer's status, emails sent."""
    client = Client(REMOTE_ADDR=address)
    sent = len(mail.outbox)
    start = time.perf_counter()
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    elapsed = time.perf_counter() - start
    return elapsed, response.status_code, len(mail.outbox) - sent


def describe(name: str, times: list[float]) -> str:
    quartiles = statistics.quantiles(times, n=4)
    return (
        f"  {name:<16} median {statistics.median(times) * 1000:7.1f} ms"
        f"   quartiles {quartiles[0] * 1000:7.1f} - {quartiles[2] * 1000:7.1f} ms"
        f"   min {min(times) * 1000:7.1f} ms   max {max(times) * 1000:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="sign-ups of each kind (default 21)")
    arguments = parser.parse_args()
    runs: int = arguments.runs

    setup_test_environment()  # the in-memory outbox
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    existing = [
        user_create(email=f"existing{n}@example.org", password=PASSWORD, roles=[Role.APPLICANT])
        for n in range(runs + 1)
    ]
    # One of each first, not counted: templates compiled, connections opened.
    sign_up(existing[-1].email, "10.0.0.1")
    sign_up("warm-up@example.org", "10.0.0.2")

    times: dict[str, list[float]] = {"existing account": [], "new account": []}
    for n in range(runs):
        for name, email in (
            ("existing account", existing[n].email),
            ("new account", f"new{n}@example.org"),
        ):
            address = f"10.{1 if name == 'new account' else 2}.{n // 250}.{n % 250 + 1}"
            elapsed, status, sent = sign_up(email, address)
            if status != 302 or sent != 1:
                raise SystemExit(f"{name}: answered {status} and sent {sent} emails, not 302 and 1")
            times[name].append(elapsed)
    assert User.objects.filter(email__startswith="new").count() == runs

    print(f"Sign-up, {runs} runs of each path ({settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}):")
    for name, values in times.items():
        print(describe(name, values))
    existing_median = statistics.median(times["existing account"])
    new_median = statistics.median(times["new account"])
    print(f"  new / existing: {new_median / existing_median:.2f}")


if __name__ == "__main__":
    main()
