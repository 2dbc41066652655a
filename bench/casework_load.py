"""Benchmark: the consular officer's queue and case pages over 100,000 cases on PostgreSQL.

    make bench-casework      (or: .venv/bin/python bench/casework_load.py [--reuse] [--cases N])

Needs PostgreSQL on 127.0.0.1:5432 (user postgres; another server with
BENCH_DATABASE_URL) and Debian's ``wrk`` (``apt-get install wrk``). It:

1. recreates the database ``haven_bench`` (``--reuse`` keeps one already
   loaded with as many cases), migrates it and loads the cases;
2. creates consular officers with TOTP and signs each one in through the real
   sign-in forms (password, then the current code), keeping the cookies;
3. serves Haven with gunicorn on loopback, one worker process per CPU, with
   ``DEBUG`` off and every middleware on (sessions with their idle limit, the
   officials' second-factor gate, CSP, no-store);
4. runs wrk against a bare Django JSON view (``bench/urls.py``, with and
   without a session), the queue at ``/work/visas/`` (first page, then
   filtered) and case pages, one after another against the same server, each
   request from one of the signed-in officers in turn;
5. prints requests per second, latency p50/p99 and each page's share of the
   bare view's throughput, and writes them to ``var/bench/casework.json``.

Figures only; nothing is asserted. Any answer other than 200 is counted
and shown, and a page that does not answer 200 before the run stops it.
"""

from __future__ import annotations

import argparse
import enum
import gc
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/haven_bench"
)
# demo, not production: production insists on HTTPS (redirect, Secure cookies), which
# plain HTTP on loopback cannot carry. DEBUG is off as in production; the password
# hasher, middleware and templates are the same.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "HAVEN_ENV": "demo",
    "DEBUG": "false",
    "LOG_LEVEL": "WARNING",
    # Persistent database connections, as a production deployment would configure.
    "DATABASE_URL": DATABASE_URL + ("&" if "?" in DATABASE_URL else "?") + "conn_max_age=60",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
}
os.environ.update(SERVER_ENV)
sys.path.insert(0, str(ROOT))  # bench.settings and bench.urls

import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.utils import timezone

from haven.accounts.actions import user_create
from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.models import (
    Case,
    CaseEvent,
    CaseEventType,
    Decision,
    Declaration,
    InformationRequest,
    ReferenceCounter,
)
from haven.documents.models import Document
from haven.people.duplicates import name_keys_for
from haven.people.models import Passport, Person
from haven.people.mrz import make_td3
from haven.rules.evaluate import Facts, evaluate
from haven.rules.selectors import programme_get

PASSWORD = "bench harbour lantern violet"  # noqa: S105 - throwaway accounts in a throwaway database
OFFICER_DOMAIN = "bench.haven.example"

# How the cases spread over statuses: most work waits at the consulate or the migration authority.
STATUS_WEIGHTS = {
    "draft": 8,
    "withdrawn": 3,
    "visa_submitted": 18,
    "visa_in_review": 10,
    "visa_info_requested": 4,
    "visa_granted": 7,
    "visa_refused": 3,
    "visa_expired": 1,
    "trp_submitted": 14,
    "trp_in_review": 11,
    "trp_info_requested": 3,
    "trp_granted": 15,
    "trp_refused": 3,
}
OPEN_STATES = ("submitted", "in_review", "info_requested")
# Citizenships, heaviest first; a few applicants come from states outside the list.
NATIONALITY_WEIGHTS = {"DE": 14, "US": 11, "FR": 9, "IT": 8, "GB": 7, "LV": 6, "ES": 5}
NATIONALITY_WEIGHTS |= {"CA": 4, "NL": 4, "UA": 4, "PL": 3, "AT": 3, "BE": 3, "CH": 2}
NATIONALITY_WEIGHTS |= {"JP": 2, "AU": 2, "SE": 2, "FI": 2, "CZ": 2, "NZ": 1, "KZ": 2, "BR": 1}
LANGUAGES = {"en": 40, "de": 18, "fr": 12, "it": 9, "es": 8, "ru": 13}
# Names as applicants type them (accents, apostrophes, hyphens), for the duplicate keys.
_SURNAMES = (
    "Schmidt Müller Weber Fischer Meyer Wagner Becker Hoffmann Schulz Koch Smith Johnson Brown "
    "Taylor Miller Wilson Moore Martin Bernard Dubois Durand Lefebvre Rossi Russo Ferrari Esposito "
    "Bianchi Romano García Fernández López Martínez Kowalski Nowak Wiśniewski Janssen de-Vries "
    "Bakker Berzins Kalnins Ozols Shevchenko Kovalenko Bondarenko Tanaka Suzuki Svensson Virtanen "
    "Novák Dvořák O'Brien Murphy Anderson Peeters Gruber Huber Meier"
)
_GIVEN_NAMES = (
    "Anna Maria Thomas Peter Michael Julia Laura Sophie John Emily James Sarah Pierre Camille "
    "Giulia Marco Luca Lucía Carlos Elena Piotr Katarzyna Jan Eva Janis Liga Olena Andriy Yuki "
    "Hiroshi Erik Ingrid Aino Mikko Jakub Tereza Sean Aoife Lars Hanna"
)
SURNAMES, GIVEN_NAMES = _SURNAMES.split(), _GIVEN_NAMES.split()
NATIVE_NAMES = {  # a few applicants also give their names in their own script
    "UA": ("Шевченко", "Олена"),
    "KZ": ("Абенов", "Айгерим"),
    "JP": ("田中", "裕子"),
}


def icao_code(alpha_2: str) -> str:
    import pycountry

    return "D" if alpha_2 == "DE" else pycountry.countries.get(alpha_2=alpha_2).alpha_3


def weighted(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


# -- the database ---------------------------------------------------------------------


def recreate_database() -> None:
    import psycopg

    name = settings.DATABASES["default"]["NAME"]
    parts = urllib.parse.urlsplit(DATABASE_URL)
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def database_exists() -> bool:
    import psycopg

    name = settings.DATABASES["default"]["NAME"]
    parts = urllib.parse.urlsplit(DATABASE_URL)
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        row = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def copy_rows(model: type[models.Model], rows: Iterable[models.Model]) -> int:
    """COPY model instances into their table, every concrete column as the instance holds it.

    Rows that others point at carry their own ids (see ``next_ids``), so the
    related rows can name them before either is written. Values go to
    psycopg as Python holds them (it adapts dates, UUIDs and strings itself);
    only JSON needs wrapping, and choices become their plain values.
    """
    from psycopg.types.json import Jsonb

    rows = list(rows)
    # Rows without ids get them from the table's sequence.
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and rows and rows[0].pk is None)
    ]
    attnames = [field.attname for field in fields]
    json_columns = {
        index for index, field in enumerate(fields) if isinstance(field, models.JSONField)
    }

    def plain(index: int, value: Any) -> Any:
        if index in json_columns:
            return Jsonb(value)
        return value.value if isinstance(value, enum.Enum) else value

    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                values = row.__dict__
                copy.write_row([plain(index, values[name]) for index, name in enumerate(attnames)])
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "  # noqa: S608 - our own table names
            f"(SELECT max(id) FROM {table}))"
        )
    return len(rows)


def next_ids(model: type[models.Model]) -> Iterator[int]:
    start = (model.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1  # type: ignore[attr-defined]
    return iter(range(start, 2**62))


# -- people and cases ---------------------------------------------------------------------


def create_officers(count: int) -> list[User]:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    officers = []
    for number in range(1, count + 1):
        email = f"officer{number}@{OFFICER_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email,
                password=PASSWORD,
                roles=[Role.CONSULAR_OFFICER],
                full_name=f"Officer {number}",
            )
            TOTP.activate(user, generate_totp_secret())
        officers.append(user)
    return officers


@dataclass
class BenchRows:
    """The rows of the cases to write, table by table."""

    users: list[User] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    passports: list[Passport] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    requests: list[InformationRequest] = field(default_factory=list)

    def write(self) -> dict[str, int]:
        return {
            "users": copy_rows(User, self.users),
            "cases": copy_rows(Case, self.cases),
            "people": copy_rows(Person, self.people),
            "passports": copy_rows(Passport, self.passports),
            "declarations": copy_rows(Declaration, self.declarations),
            "case_events": copy_rows(CaseEvent, self.events),
            "documents": copy_rows(Document, self.documents),
            "decisions": copy_rows(Decision, self.decisions),
            "information_requests": copy_rows(InformationRequest, self.requests),
        }


@dataclass(frozen=True)
class CaseDates:
    created: date
    submitted: date  # had it been submitted, for a draft
    entered: date | None  # with the visa, for a case at the permit stage


class CaseMaker:
    """Makes each case's rows as the actions would have written them, from one random source."""

    def __init__(self, rng: random.Random, officers: list[User]) -> None:
        self.rng = rng
        self.officers = officers
        self.programme = programme_get("shared-values")
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.deadlines = {
            stage.id: self.programme.optional_value(f"{stage.id}_decision_deadline", self.today)
            for stage in self.programme.stages
        }
        self.evaluations: dict[tuple[str, str], Any] = {}
        self.user_ids, self.case_ids = next_ids(User), next_ids(Case)
        self.person_ids = next_ids(Person)
        self.references: dict[int, int] = {}  # the last number given in each year
        self.rows = BenchRows()

    def at(self, day: date, hour: int | None = None) -> datetime:
        rng = self.rng
        return datetime(
            day.year, day.month, day.day, hour or rng.randint(6, 20), rng.randint(0, 59), tzinfo=UTC
        )

    def evaluation(self, nationality: str, stage: str) -> Any:
        key = (nationality, stage)
        if key not in self.evaluations:
            facts = Facts.from_codes([nationality], nationality)
            self.evaluations[key] = evaluate(self.programme, facts, self.today, stage).to_record()
        return self.evaluations[key]

    def add(self, index: int, status: str, nationality: str, language: str) -> None:
        """One case in ``status``, with its applicant, their passport and the case's history."""
        stage = "trp" if status.startswith("trp") else "visa"
        state = status.removeprefix(f"{stage}_")
        dates = self.dates(stage, state)
        stage_started = dates.entered or dates.submitted
        deadline = self.deadline(status, stage, stage_started)
        missed = (
            deadline + timedelta(days=1)
            if deadline and state in OPEN_STATES and deadline < self.today
            else None
        )
        assignee = None
        if state in ("in_review", "info_requested") and stage == "visa":
            assignee = (
                self.officers[0] if self.rng.random() < 0.05 else self.rng.choice(self.officers)
            )
        user = User(
            id=next(self.user_ids),
            email=f"applicant{index + 1}@bench.example",
            password="!" + uuid.uuid4().hex,  # unusable: these accounts never sign in
            preferred_language=language,
            date_joined=self.at(dates.created),
        )
        self.rows.users.append(user)
        surname, given = self.name()
        reference = None if status == "draft" else self.reference(dates.submitted.year)
        case = Case(
            id=next(self.case_ids),
            reference=reference,
            programme=self.programme.id,
            stage=stage,
            status=status,
            state=state,
            applicant_id=user.id,
            language=language,
            created_at=self.at(dates.created),
            updated_at=self.now,
            submitted_at=self.at(dates.submitted) if reference else None,
            evaluation=self.evaluation(nationality, stage) if reference else None,
            deadline=deadline,
            assignee_id=assignee.id if assignee else None,
            stage_started_on=stage_started if reference else None,
            deadline_missed_on=missed,
        )
        self.rows.cases.append(case)
        self.applicant(case, user, nationality, surname, given)
        history = timeline(status)
        self.rows.events.append(
            CaseEvent(
                case_id=case.id,
                type=CaseEventType.DRAFT_STARTED,
                occurred_at=self.at(dates.created),
                actor_id=user.id,
                to_status="draft",
            )
        )
        if reference is None:
            return
        self.submission(case, user, f"{given} {surname}", dates.submitted)
        officer, last = self.history(case, user, history, assignee, dates)
        if state == "info_requested":
            self.rows.requests.append(
                InformationRequest(
                    case_id=case.id,
                    stage=stage,
                    message="Please send a clearer scan of your passport's photo page.",
                    due_on=self.today + timedelta(days=self.rng.randint(-5, 30)),
                    requested_by_id=officer.id,
                    requested_at=last,
                )
            )
        case.version = len(history)

    def dates(self, stage: str, state: str) -> CaseDates:
        """When things happened: visa work is recent, permit work began after entry."""
        rng, today = self.rng, self.today
        if stage == "trp":
            entered = today - timedelta(days=int(rng.triangular(0, 330, 20)))
            submitted = entered - timedelta(days=rng.randint(25, 80))
        else:
            entered = None
            age = int(rng.expovariate(1 / 12)) if state in OPEN_STATES else rng.randint(15, 200)
            submitted = today - timedelta(days=min(age, 365))
        created = submitted - timedelta(days=rng.randint(0, 14))
        return CaseDates(created=created, submitted=submitted, entered=entered)

    def deadline(self, status: str, stage: str, stage_started: date) -> date | None:
        deadline_value = self.deadlines.get(stage)
        if status in ("draft", "withdrawn") or deadline_value is None:
            return None
        from haven.rules.durations import add_duration

        return add_duration(stage_started, deadline_value.value)

    def name(self) -> tuple[str, str]:
        rng = self.rng
        surname, given = rng.choice(SURNAMES), f"{rng.choice(GIVEN_NAMES)}"
        if rng.random() < 0.3:
            given += f" {rng.choice(GIVEN_NAMES)}"
        return surname, given

    def reference(self, year: int) -> str:
        self.references[year] = self.references.get(year, 0) + 1
        return f"HVN-{year}-{self.references[year]:06d}"

    def applicant(self, case: Case, user: User, nationality: str, surname: str, given: str) -> None:
        """The applicant's person record and passport."""
        rng = self.rng
        birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 20_000))
        native = NATIVE_NAMES.get(nationality) if rng.random() < 0.5 else None
        person = Person(
            id=next(self.person_ids),
            case_id=case.id,
            role=Person.Role.APPLICANT,
            surname=surname.replace("-", " "),
            given_names=given,
            native_surname=native[0] if native else "",
            native_given_names=native[1] if native else "",
            birth_date=birth,
            birth_place="",
            sex=rng.choice("FM"),
            citizenships=[nationality],
            residence=nationality,
            address=f"{rng.randint(1, 200)} Main Street\n{rng.randint(10000, 99999)} City",
            phone=f"+{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}",
            email=user.email,
        )
        person.name_key, person.native_name_key = name_keys_for(person)
        self.rows.people.append(person)
        expiry = self.today + timedelta(days=rng.randint(200, 3600))
        number = f"{rng.choice('CPXYL')}{rng.randint(10_000_000, 99_999_999)}"
        line1, line2 = make_td3(
            document_number=number,
            issuing_state=icao_code(nationality),
            surname=person.surname,
            given_names=person.given_names,
            nationality=icao_code(nationality),
            birth_date=birth,
            sex=person.sex,
            expiry_date=expiry,
        )
        self.rows.passports.append(
            Passport(
                person_id=person.id,
                number=number,
                issuing_state=nationality,
                issue_date=expiry - timedelta(days=3652),
                expiry_date=expiry,
                mrz_line1=line1,
                mrz_line2=line2,
            )
        )

    def submission(self, case: Case, user: User, signed_by: str, submitted: date) -> None:
        """The signed declaration and the two documents every submitted case has."""
        self.rows.declarations.append(
            Declaration(
                case_id=case.id,
                language=case.language,
                text="I declare that I share the traditional Russian spiritual and moral values.",
                binding_text="Я разделяю традиционные российские духовно-нравственные ценности.",
                text_valid_from=date(2024, 9, 1),
                full_name=signed_by,
                signed_at=self.at(submitted),
            )
        )
        for kind in ("passport_scan", "photo"):
            self.rows.documents.append(
                Document(
                    case_id=case.id,
                    kind=kind,
                    original_name=f"{kind}.jpg",
                    storage_name=uuid.uuid4().hex,
                    content_type="image/jpeg",
                    size=self.rng.randint(150_000, 2_500_000),
                    sha256=uuid.uuid4().hex * 2,
                    width=1600,
                    height=1200,
                    received_at=self.at(submitted),
                    uploaded_by_id=user.id,
                )
            )

    def history(
        self,
        case: Case,
        user: User,
        history: list[tuple[CaseEventType, str, str]],
        assignee: User | None,
        dates: CaseDates,
    ) -> tuple[User, datetime]:
        """The timeline after submission, with its decisions.

        Returns the officer who worked the case and when its last event happened.
        """
        moment = self.at(dates.submitted)
        officer = assignee or self.rng.choice(self.officers)
        for event_type, from_status, to_status in history:
            if event_type == CaseEventType.ENTRY_RECORDED and dates.entered:
                moment = self.at(dates.entered)
            else:
                moment = min(moment + timedelta(hours=self.rng.randint(2, 240)), self.now)
            by_applicant = event_type in (CaseEventType.SUBMITTED, CaseEventType.WITHDRAWN)
            self.rows.events.append(
                CaseEvent(
                    case_id=case.id,
                    type=event_type,
                    occurred_at=moment,
                    actor_id=user.id if by_applicant else officer.id,
                    from_status=from_status,
                    to_status=to_status,
                )
            )
            if event_type in (CaseEventType.APPROVED, CaseEventType.REFUSED):
                self.rows.decisions.append(
                    Decision(
                        case_id=case.id,
                        stage=from_status.split("_", 1)[0],
                        outcome=(
                            Decision.Outcome.APPROVED
                            if event_type == CaseEventType.APPROVED
                            else Decision.Outcome.REFUSED
                        ),
                        explanation="",
                        decided_by_id=officer.id,
                        decided_at=moment,
                    )
                )
        return officer, moment


def load_cases(count: int, officers: list[User], seed: int = 702) -> dict[str, int]:
    """Write ``count`` cases with their applicant, person, passport, declaration and history.

    Volume rows are bulk-inserted with COPY for speed, behind the actions'
    back (the test suite makes its data through the real actions). They
    hold what the actions would have written: statuses along the programme's
    transitions with a matching timeline, references, the rules' evaluation
    at submission, deadlines, assignees, open requests for information,
    decisions and two document receipts per submitted case (metadata only:
    no files). The audit trail does not get their events.
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    maker = CaseMaker(rng, officers)
    statuses = weighted(rng, STATUS_WEIGHTS, count)
    nationalities = weighted(rng, NATIONALITY_WEIGHTS, count)
    languages = weighted(rng, LANGUAGES, count)
    for index in range(count):
        maker.add(index, statuses[index], nationalities[index], languages[index])
    written = maker.rows.write()
    for year, last in maker.references.items():
        ReferenceCounter.objects.update_or_create(year=year, defaults={"last": last})
    with connection.cursor() as cursor:
        # As autovacuum would leave a database in use: statistics and the visibility map.
        cursor.execute("VACUUM ANALYZE")
    return written


def timeline(status: str) -> list[tuple[CaseEventType, str, str]]:
    """The events that lead from submission to ``status``, along the programme's transitions."""
    if status == "draft":
        return []
    steps = [(CaseEventType.SUBMITTED, "draft", "visa_submitted")]
    if status == "withdrawn":
        return [*steps, (CaseEventType.WITHDRAWN, "visa_submitted", "withdrawn")]
    for stage in ("visa", "trp"):
        if stage == "trp":
            steps.append((CaseEventType.ENTRY_RECORDED, "visa_granted", "trp_submitted"))
        if status == f"{stage}_submitted":
            return steps
        steps.append((CaseEventType.REVIEW_STARTED, f"{stage}_submitted", f"{stage}_in_review"))
        if status == f"{stage}_in_review":
            return steps
        if status == f"{stage}_info_requested":
            return [
                *steps,
                (
                    CaseEventType.INFORMATION_REQUESTED,
                    f"{stage}_in_review",
                    f"{stage}_info_requested",
                ),
            ]
        if status == f"{stage}_refused":
            return [*steps, (CaseEventType.REFUSED, f"{stage}_in_review", f"{stage}_refused")]
        steps.append((CaseEventType.APPROVED, f"{stage}_in_review", f"{stage}_granted"))
        if status == f"{stage}_granted":
            return steps
        if status == f"{stage}_expired":
            return [*steps, (CaseEventType.DOCUMENT_EXPIRED, f"{stage}_granted", status)]
    raise ValueError(status)


# -- signing in ---------------------------------------------------------------------------


def current_code(user: User) -> str:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(user: User, number: int) -> str:
    """Sign in through the real forms (password, then TOTP); the Cookie header for the session."""
    # Each officer from an address of their own, as in an office: sign-in rate limits are per address.
    client = Client(REMOTE_ADDR=f"127.0.{number // 250}.{number % 250 + 2}")
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    if response.status_code == 302 and response["Location"].startswith("/accounts/2fa/"):
        response = client.post("/accounts/2fa/authenticate/", {"code": current_code(user)})
        if response.status_code == 200:  # this code was used moments ago: wait for the next
            time.sleep(30 - time.time() % 30 + 1)
            response = client.post("/accounts/2fa/authenticate/", {"code": current_code(user)})
    if response.status_code != 302 or "sessionid" not in client.cookies:
        sys.exit(f"Signing in {user.email} failed: {response.status_code}.")
    return "; ".join(
        f"{name}={client.cookies[name].value}"
        for name in ("sessionid", "csrftoken")
        if name in client.cookies
    )


# -- serving and measuring ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    port: int, workers: int, worker_class: str, threads: int
) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        sys.exit("gunicorn is missing: .venv/bin/python -m pip install -e '.[bench]'")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    command = [
        str(gunicorn),
        "haven.wsgi",
        "--pythonpath",
        str(ROOT),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        # A slow page under load must not get its worker killed (that would be a 502).
        "--timeout",
        "300",
        "--log-level",
        "warning",
        "--error-logfile",
        str(OUT_DIR / "gunicorn.log"),
    ]
    server = subprocess.Popen(command, env={**os.environ, **SERVER_ENV}, cwd=ROOT)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = fetch(port, "/healthz", "")
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped; see {OUT_DIR / 'gunicorn.log'}")
        time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


def drain(port: int) -> None:
    """Wait until the server has answered what wrk left queued, so the next target starts clean.

    wrk closes its connections when its time is up, but requests already
    queued for a sync worker are still served, one after another.
    """
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            fetch(port, "/healthz", "")
        except OSError:  # still busy past fetch's own timeout
            continue
        if time.monotonic() - started < 0.2:
            return
    sys.exit("the server did not catch up within 10 minutes")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie} if cookie else {}
    )
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


LUA = """
-- Written by bench/casework_load.py: each request in turn from another officer (and case).
local cookies = %(cookies)s
local paths = %(paths)s
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads * 7919)
end

function init(args)
  counter = offset or 0
  other = 0
  first_other = 0
end

function request()
  counter = counter + 1
  local headers = {}
  if #cookies > 0 then headers["Cookie"] = cookies[(counter %% #cookies) + 1] end
  return wrk.format("GET", paths[(counter %% #paths) + 1], headers)
end

function response(status, headers, body)
  if status ~= 200 then
    other = other + 1
    if first_other == 0 then first_other = status end
  end
end

function done(summary, latency, requests)
  local others, first = 0, 0
  for _, thread in ipairs(threads) do
    others = others + thread:get("other")
    if first == 0 then first = thread:get("first_other") end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, ' ..
    '"mean_us": %%.1f, "not_200": %%d, "first_not_200": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, others, first,
    errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def lua_list(values: list[str]) -> str:
    return "{" + ", ".join(json.dumps(value) for value in values) + "}"


def run_wrk(
    port: int, paths: list[str], cookies: list[str], seconds: int, threads: int, connections: int
) -> dict[str, Any]:
    script = OUT_DIR / "casework.lua"
    script.write_text(LUA % {"cookies": lua_list(cookies), "paths": lua_list(paths)})
    output = subprocess.run(  # noqa: S603
        [  # noqa: S607 - Debian's wrk, found on PATH
            "wrk",
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={seconds}s",
            f"--timeout={max(seconds, 10)}s",
            f"--script={script}",
            f"http://127.0.0.1:{port}/",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    figures["requests_per_second"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded")
    parser.add_argument("--officers", type=int, default=32, help="signed-in officers")
    parser.add_argument("--duration", type=int, default=20, help="seconds per target and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all targets")
    parser.add_argument("--warmup", type=int, default=3, help="seconds before each target")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--worker-threads", type=int, default=1)
    parser.add_argument(
        "--only", help="comma-separated targets: bare,bare-session,queue,queue-filtered,case"
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (needed for this benchmark only).")
    if settings.DEBUG:
        sys.exit("DEBUG is on: figures would mean nothing.")

    print(f"PostgreSQL: {connection.settings_dict['NAME']} at {connection.settings_dict['HOST']}")
    loaded = options.reuse and database_exists() and _case_count() == options.cases
    load_seconds = None
    if not loaded:
        recreate_database()
        connection.close()
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        migrate_seconds = time.perf_counter() - started
        officers = create_officers(options.officers)
        started = time.perf_counter()
        gc.disable()  # a million young objects that all live to the end: skip the collector
        try:
            written = load_cases(options.cases, officers)
        finally:
            gc.enable()
        load_seconds = time.perf_counter() - started
        print(f"migrated in {migrate_seconds:.1f} s")
        print(
            f"loaded {written['cases']:,} cases in {load_seconds:.1f} s "
            f"({sum(written.values()):,} rows: "
            + ", ".join(f"{count:,} {name}" for name, count in written.items())
            + ")"
        )
    else:
        call_command("migrate", verbosity=0, interactive=False)  # any migration added since
        officers = create_officers(options.officers)
        print(f"reusing {options.cases:,} cases already loaded")

    started = time.perf_counter()
    cookies = [sign_in(officer, number) for number, officer in enumerate(officers)]
    print(f"signed in {len(cookies)} consular officers in {time.perf_counter() - started:.1f} s")
    open_visa = list(
        Case.objects.filter(
            stage="visa", status__in=[f"visa_{state}" for state in OPEN_STATES]
        ).values_list("public_id", flat=True)[:500]
    )
    # name: (label, paths taken in turn, Cookie headers taken in turn)
    targets = {
        "bare": ("bare JSON view, anonymous", ["/bench/bare/"], []),
        "bare-session": ("bare JSON view, signed in", ["/bench/bare/"], cookies),
        "queue": ("queue, first page", ["/work/visas/"], cookies),
        "queue-filtered": (f"queue, {QUEUE_FILTERED_LABEL}", [QUEUE_FILTERED], cookies),
        "case": ("case page", [f"/work/case/{public_id}/" for public_id in open_visa], cookies),
    }
    if options.only:
        wanted = options.only.split(",")
        targets = {name: target for name, target in targets.items() if name in wanted}

    port = free_port()
    server = start_server(port, options.workers, options.worker_class, options.worker_threads)
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
    try:
        for name, (_label, paths, target_cookies) in targets.items():
            status, body = fetch(port, paths[0], target_cookies[0] if target_cookies else "")
            if status != 200:
                sys.exit(
                    f"{name}: GET {paths[0]} answered {status}, not 200; the run would measure "
                    f"the wrong page. Answer begins: {body[:300]!r}"
                )
        # Rounds in turn, so load from anything else on the machine falls on every target alike.
        for number in range(1, options.rounds + 1):
            print(f"round {number} of {options.rounds} (load average {os.getloadavg()[0]:.2f})")
            for name, (label, paths, target_cookies) in targets.items():
                wrk = (port, paths, target_cookies)
                if options.warmup:
                    run_wrk(*wrk, options.warmup, options.threads, options.connections)
                figures = run_wrk(*wrk, options.duration, options.threads, options.connections)
                rounds[name].append(figures)
                print_row(label, figures)
                drain(port)
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = {
        name: summarise(rounds[name]) | {"label": label, "path": paths[0]}
        for name, (label, paths, _cookies) in targets.items()
    }

    report(results, options, load_seconds)


QUEUE_FILTERED = "/work/visas/?nationality=DE&deadline=7-days"
QUEUE_FILTERED_LABEL = "German, due in 7 days"


def _case_count() -> int:
    from django.db import DatabaseError

    try:
        return Case.objects.count()
    except DatabaseError:  # not migrated yet
        return -1


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The median round's rate and latencies; answers other than 200 and errors of all rounds."""
    return {
        "requests_per_second": statistics.median(r["requests_per_second"] for r in rounds),
        "p50_us": statistics.median(r["p50_us"] for r in rounds),
        "p90_us": statistics.median(r["p90_us"] for r in rounds),
        "p99_us": statistics.median(r["p99_us"] for r in rounds),
        "requests": sum(r["requests"] for r in rounds),
        "not_200": sum(r["not_200"] for r in rounds),
        "socket_errors": sum(r["socket_errors"] for r in rounds),
        "rounds": rounds,
    }


def print_row(label: str, figures: dict[str, Any]) -> None:
    print(
        f"  {label:<30} {figures['requests_per_second']:8.1f} req/s   "
        f"p50 {figures['p50_us'] / 1000:7.1f} ms   p99 {figures['p99_us'] / 1000:7.1f} ms   "
        f"not 200: {figures['not_200']}   socket errors: {figures['socket_errors']}"
    )


def report(
    results: dict[str, dict[str, Any]], options: argparse.Namespace, load: float | None
) -> None:
    # The yardstick is the bare view with the same session: the same middleware, session
    # read and write and second-factor check, so the difference is the page's own work.
    bases = {
        name: results[name]["requests_per_second"]
        for name in ("bare-session", "bare")
        if name in results
    }
    print()
    print(
        f"{options.cases:,} cases on PostgreSQL; gunicorn {options.workers} {options.worker_class} "
        f"worker(s) on {os.cpu_count()} CPUs; wrk {options.threads} threads, "
        f"{options.connections} connections, {options.duration} s per target and round, "
        f"median of {options.rounds} rounds; {options.officers} officers signed in"
    )
    header = "".join(f"  vs {name:>12}" for name in bases)
    print(f"  {'':<30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'not 200':>8}{header}")
    for figures in results.values():
        figures["share_of"] = {
            name: figures["requests_per_second"] / rps if rps else 0.0
            for name, rps in bases.items()
        }
        shares = "".join(f"  {figures['share_of'][name]:>16.0%}" for name in bases)
        print(
            f"  {figures['label']:<30} {figures['requests_per_second']:8.1f} "
            f"{figures['p50_us'] / 1000:8.1f} {figures['p99_us'] / 1000:8.1f} "
            f"{figures['not_200'] + figures['socket_errors']:8d}{shares}"
        )
    if load is not None:
        print(f"  loading {options.cases:,} cases took {load:.1f} s")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    summary = {
        "when": timezone.now().isoformat(),
        "cases": options.cases,
        "load_seconds": load,
        "cpus": os.cpu_count(),
        "server": {
            "gunicorn_workers": options.workers,
            "worker_class": options.worker_class,
            "worker_threads": options.worker_threads,
        },
        "wrk": {
            "threads": options.threads,
            "connections": options.connections,
            "duration_s": options.duration,
            "rounds": options.rounds,
        },
        "load_average_after": os.getloadavg(),
        "officers": options.officers,
        "results": results,
    }
    (OUT_DIR / "casework.json").write_text(json.dumps(summary, indent=2))
    print(f"figures written to {OUT_DIR / 'casework.json'}")


if __name__ == "__main__":
    main()
