"""Demo cases (HAVEN_ENV=demo only): "shared values" applications in every status.

``load_demo_cases(count)`` gives ``applicant.<n>@demo.haven.example`` (n = 1 to
count, the demo password, able to sign in) one application each, in every
status of both stages (visa, then temporary residence permit), from the 47
states of the programme's ``designated_states`` parameter, with a few dual
nationals, a stateless resident and a few persons who applied twice under
a slightly different spelling. The main demo applicant gets one application
waiting for her answer to a request for information, if she has none.

Everything is made through Haven's own actions (``haven.casework.applicant_actions``,
``haven.casework.official_actions``, ``haven.documents.actions.document_upload``), so
the audit chain, the timeline and the issued documents are what real use
would leave. The actions stamp "now"; a demo needs a history, so one
step afterwards, ``backdate_case_history``, moves the dates of each demo
case's own rows (never the audit trail, whose times stay the load time).

Loading again keeps what is there: an applicant who already has a case is
skipped, so only missing cases are made (``--cases`` can be raised later).
"""

from __future__ import annotations

import io
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any, ClassVar

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Case as Choose
from django.db.models import QuerySet, Value, When
from django.test.utils import override_settings
from django.utils import timezone, translation
from PIL import Image
from pypdf import PdfWriter

from haven.accounts.actions import user_create
from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.cases.completeness import required_documents
from haven.cases.models import (
    Case,
    CaseEvent,
    CaseEventType,
    CaseNote,
    Decision,
    Declaration,
    DocumentCheck,
    InformationRequest,
)
from haven.casework import applicant_actions, official_actions
from haven.demo.accounts import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    demo_email,
    load_demo_accounts,
    load_demo_colleagues,
)
from haven.demo.names import ANSWERS, BANKS, COUNTRIES, STATEMENTS, WEIGHTS, NameBank
from haven.documents.actions import document_upload
from haven.documents.models import Document
from haven.issuance.actions import validity_end
from haven.issuance.models import IssuedDocument, PermitNotification
from haven.people.mrz import check_digit, make_td3, to_mrz_name
from haven.rules.durations import add_duration
from haven.rules.nationality import icao_code, parse_nationality
from haven.rules.programme import IssuedKind, Programme
from haven.rules.selectors import programme_get

PROGRAMME = "shared-values"
DEFAULT_COUNT = 500
HISTORY_DAYS = 425  # about fourteen months back from the day of loading
MAIN_APPLICANT = demo_email(Role.APPLICANT)

# Every status a case of the programme can be in. Cases 1 to 13 take them in this
# order, so even a small demo (``--cases 40``) shows each at least once.
STATUSES: tuple[str, ...] = (
    "draft",
    "visa_submitted",
    "visa_in_review",
    "visa_info_requested",
    "visa_granted",
    "visa_refused",
    "visa_expired",
    "trp_submitted",
    "trp_in_review",
    "trp_info_requested",
    "trp_granted",
    "trp_refused",
    "withdrawn",
)
# Then roughly as a programme a year old would hold them: most permits granted.
STATUS_WEIGHTS: dict[str, int] = {
    "draft": 6,
    "visa_submitted": 5,
    "visa_in_review": 6,
    "visa_info_requested": 3,
    "visa_granted": 6,
    "visa_refused": 5,
    "visa_expired": 3,
    "trp_submitted": 6,
    "trp_in_review": 10,
    "trp_info_requested": 4,
    "trp_granted": 24,
    "trp_refused": 4,
    "withdrawn": 5,
}
FIRST_NATIONALITIES = ("DE", "FR", "UA", "KR", "IT", "JP", "GR", "BG", "ES", "PL", "IE", "US", "LV")

# Regions permits name, weighted like the figures published in August 2025.
REGIONS: dict[str, int] = {
    "RU-MOW": 33,
    "RU-SPE": 17,
    "RU-MOS": 10,
    "RU-KDA": 10,
    "RU-LEN": 4,
    "RU-NIZ": 3,
    "RU-SVE": 3,
    "RU-TA": 3,
    "RU-NVS": 3,
    "RU-KGD": 3,
    "RU-ROS": 3,
    "RU-VLA": 3,
}

REQUESTS: dict[str, tuple[str, ...]] = {
    "visa": (
        "Upload a clearer scan of your passport's photo page: the machine-readable zone cannot be read.",
        "Tell us the address where you will stay after you arrive.",
        "Send a photo taken within the last six months, on a light background.",
    ),
    "trp": (
        "Bring the original of your criminal-record certificate with its apostille.",
        "Your medical certificates do not include the tuberculosis test. Provide it.",
        "Provide your registration at the place of stay.",
    ),
}
NOTES: dict[str, tuple[str, ...]] = {
    "visa": (
        "Паспорт проверен, данные совпадают с анкетой.",
        "Passport scan checked against the machine-readable zone: consistent.",
        "Заявитель ранее посещал РФ по туристической визе.",
        "Statement read; nothing to add.",
    ),
    "trp": (
        "Миграционная карта и регистрация проверены.",
        "Fingerprint registration done on the day of the appointment.",
        "Справка о несудимости апостилирована, перевод заверен.",
        "Medical certificates valid; originals seen.",
    ),
}
REFUSALS: dict[str, dict[str, str]] = {
    "visa": {
        "documents_false": "The passport presented at the consulate does not match the scan uploaded.",
        "entry_banned": "A decision not to allow the applicant's entry is in force.",
        "security": "The application is refused in the interests of state security.",
    },
    "trp": {
        "criminal_record": "The criminal-record certificate shows an unexpunged conviction for a serious crime.",
        "health": "The medical certificates were not provided within the time given.",
        "documents_false": "The registration document submitted was not issued by the stated authority.",
        "security": "The stay would threaten the security of the state.",
    },
}


@dataclass(frozen=True)
class Special:
    """A case the demo needs on purpose: a dual national, a stateless person, a repeat."""

    status: str
    citizenships: tuple[str, ...]
    residence: str
    bank: str = ""
    surname: str = ""  # in the person's own script
    given: str = ""
    latin_surname: str = ""  # as typed from the passport, when not the ICAO spelling
    latin_given: str = ""
    native: bool = True  # also gave the names in their own script
    birth: date | None = None
    sex: str = ""
    passport_number: str = ""
    note: str = ""


KOVALENKO_BORN = date(1979, 4, 12)
PETROVA_BORN = date(1988, 11, 3)
MUELLER_BORN = date(1990, 7, 1)
IVANOV_BORN = date(1975, 2, 14)
PAPADOPOULOS_BORN = date(1983, 9, 27)
SPECIALS: dict[int, Special] = {
    14: Special(
        "visa_in_review",
        ("XXA",),
        "EE",
        bank="ru_speakers",
        surname="Смирнов",
        given="Алексей",
        sex="M",
        note="Stateless, permanent resident of Estonia (alien's passport). The residence "
        "route is open for the permit, not the visa: consult before deciding.",
    ),
    15: Special("trp_granted", ("DE", "TR"), "DE"),
    16: Special("visa_granted", ("HU", "AT"), "AT", bank="hu"),
    17: Special("trp_in_review", ("UA", "PL"), "PL"),
    18: Special("trp_submitted", ("FR", "DZ"), "FR"),
    19: Special("visa_refused", ("GB", "IE"), "GB"),
    # The same people twice, with the same birth date: spelt another way, or mistyped.
    20: Special(
        "visa_expired",
        ("UA",),
        "UA",
        surname="Коваленко",
        given="Олександр",
        sex="M",
        birth=KOVALENKO_BORN,
        passport_number="FK4471903",
    ),
    21: Special(
        "visa_in_review",
        ("UA",),
        "PL",
        surname="Коваленко",
        given="Олександр",
        latin_surname="Kowalenko",
        sex="M",
        birth=KOVALENKO_BORN,
        passport_number="FK4471903",
    ),
    22: Special(
        "trp_granted", ("BG",), "BG", surname="Петрова", given="Мария", sex="F", birth=PETROVA_BORN
    ),
    23: Special(
        "visa_submitted",
        ("BG",),
        "BG",
        surname="Петрова",
        given="Мария",
        latin_given="Maria",
        sex="F",
        birth=PETROVA_BORN,
    ),
    24: Special(
        "withdrawn", ("DE",), "DE", surname="Müller", given="Jonas", sex="M", birth=MUELLER_BORN
    ),
    25: Special(
        "visa_info_requested",
        ("DE",),
        "DE",
        surname="Müller",
        given="Jonas",
        latin_surname="Muller",
        native=False,
        sex="M",
        birth=MUELLER_BORN,
    ),
    26: Special(
        "visa_refused",
        ("LV",),
        "LV",
        bank="ru_speakers",
        surname="Иванов",
        given="Сергей",
        latin_surname="Ivanovs",
        latin_given="Sergejs",
        sex="M",
        birth=IVANOV_BORN,
    ),
    27: Special(
        "visa_submitted",
        ("LV",),
        "LV",
        bank="ru_speakers",
        surname="Иванов",
        given="Сергей",
        sex="M",
        birth=IVANOV_BORN,
    ),
    28: Special(
        "trp_in_review",
        ("GR",),
        "GR",
        surname="Παπαδόπουλος",
        given="Γεώργιος",
        sex="M",
        birth=PAPADOPOULOS_BORN,
    ),
    29: Special(
        "visa_in_review",
        ("GR",),
        "CY",
        surname="Παπαδόπουλος",
        given="Γεώργιος",
        latin_surname="Papadopulos",
        sex="M",
        birth=PAPADOPOULOS_BORN,
    ),
}
FIRST_BULK = 30  # cases from here on: every listed state once, then by WEIGHTS


def applicant_email(number: int) -> str:
    return f"applicant.{number}@{DEMO_DOMAIN}"


# People ------------------------------------------------------------------------------------

_NAME_PART = re.compile(r"[^\s\-']+")


def passport_latin(native: str, bank: NameBank) -> str:
    """The name as a passport prints it in Latin letters (Müller -> Mueller, Коваленко -> Kovalenko)."""
    if native in bank.latin:
        return bank.latin[native]

    def part(match: re.Match[str]) -> str:
        text = match.group(0)
        if text.isascii():
            return text
        latin = to_mrz_name(text).replace("<", " ")
        return latin.capitalize() if text[0].isupper() else latin.lower()

    return _NAME_PART.sub(part, native)


def _gendered(name: str, sex: str) -> str:
    male, _sep, female = name.partition("|")
    return female if sex == "F" and female else male


@dataclass(frozen=True)
class Profile:
    full_name: str
    language: str
    person: dict[str, Any]
    passport: dict[str, Any]
    signature: str
    statement: str


def make_profile(
    rng: random.Random, email: str, citizenships: tuple[str, ...], residence: str, special: Special
) -> Profile:
    first = citizenships[0]
    country = COUNTRIES.get(first) or COUNTRIES[residence]
    bank = BANKS[special.bank or country.bank]
    sex = special.sex or rng.choice("FM")
    surname = special.surname or _gendered(rng.choice(bank.surnames), sex)
    given = special.given or rng.choice(bank.male if sex == "M" else bank.female)
    latin_surname = special.latin_surname or passport_latin(surname, bank)
    latin_given = special.latin_given or passport_latin(given, bank)
    has_native = special.native and (surname, given) != (latin_surname, latin_given)
    birth = special.birth or date(1950, 1, 1) + timedelta(days=rng.randint(0, 19_700))
    home = COUNTRIES[residence]
    today = timezone.localdate()
    issued = today - timedelta(days=rng.randint(HISTORY_DAYS + 30, 3_200))
    expires = add_duration(issued, {"years": 10}) - timedelta(days=1)
    number = special.passport_number or "".join(
        rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(9)
    )
    issuer = first if parse_nationality(first).country else residence
    line1, line2 = make_td3(
        document_number=number,
        issuing_state=icao_code(issuer),
        surname=to_mrz_name(latin_surname),
        given_names=to_mrz_name(latin_given),
        nationality=icao_code(first),
        birth_date=birth,
        sex=sex,
        expiry_date=expires,
    )
    native_signature = rng.random() < 0.4 and has_native
    if native_signature:
        signature = f"{surname} {given}" if bank.surname_first else f"{given} {surname}"
    else:
        signature = f"{latin_given} {latin_surname}"
    city = rng.choice(home.cities)
    return Profile(
        full_name=f"{latin_given} {latin_surname}",
        language=bank.language,
        person={
            "surname": latin_surname,
            "given_names": latin_given,
            "native_surname": surname if has_native else "",
            "native_given_names": given if has_native else "",
            "birth_date": birth,
            "birth_place": rng.choice(country.cities),
            "sex": sex,
            "citizenships": list(citizenships),
            "residence": residence,
            "address": f"{rng.choice(BANKS[home.bank].streets)} {rng.randint(1, 180)}\n"
            f"{rng.randint(1000, 99999)} {city}",
            "phone": f"{home.phone} {rng.randint(100, 999)} {rng.randint(10000, 9999999)}",
            "email": email,
        },
        passport={
            "number": number,
            "issuing_state": issuer,
            "issue_date": issued,
            "expiry_date": expires,
            "mrz_line1": line1,
            "mrz_line2": line2,
        },
        signature=signature,
        statement=rng.choice(STATEMENTS[bank.language]),
    )


# Files -------------------------------------------------------------------------------------


def demo_png(rng: random.Random, name: str, size: tuple[int, int]) -> SimpleUploadedFile:
    """A small image of one colour: a stand-in scan or photo (each a little different)."""

    buffer = io.BytesIO()
    colour = (rng.randint(40, 220), rng.randint(40, 220), rng.randint(40, 220))
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def demo_pdf(title: str) -> SimpleUploadedFile:
    """A one-page blank PDF: a stand-in passport scan."""

    writer = PdfWriter()
    writer.add_blank_page(width=420, height=595)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("passport.pdf", buffer.getvalue(), content_type="application/pdf")


# A case's life as steps ---------------------------------------------------------------------


@dataclass
class Step:
    kind: str
    day: int  # days after the draft was started
    minute: int  # minute of that day, local time
    params: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None  # when it happened in the demo's history (set by anchoring)


@dataclass(frozen=True)
class Officers:
    consular: tuple[User, ...]  # the main demo officer first
    migration: tuple[User, ...]
    checklist: tuple[str, ...]  # what a migration officer ticks off before granting a permit


class Life:
    """The steps of one case, each some days or minutes after the one before."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.day = 0
        self.minute = rng.randint(8 * 60, 12 * 60)
        self.steps: list[Step] = []

    def then(self, kind: str, days: int = 0, **params: Any) -> None:
        if days:
            self.day += days
            self.minute = self.rng.randint(9 * 60, 17 * 60)
        else:
            self.minute += self.rng.randint(2, 40)
        if self.minute > 23 * 60:
            self.day += 1
            self.minute = 9 * 60
        self.steps.append(Step(kind, self.day, self.minute, params))


def _pick_officer(rng: random.Random, pool: tuple[User, ...]) -> User:
    # The main demo officer decides about half the cases, so their own queue is full.
    return rng.choices(pool, weights=[2] + [1] * (len(pool) - 1))[0]


def _prepare(life: Life, rng: random.Random) -> None:
    life.then("start")
    life.then("about")
    life.then("passport", days=rng.choice((0, 0, 1, 2)))
    life.then("declaration")
    life.then("upload", document="passport_scan", pdf=rng.random() < 0.3)
    life.then("upload", document="photo")
    life.then("submit", days=rng.choice((0, 0, 1, 3)))


def _information(life: Life, rng: random.Random, stage: str, officer: User, answered: bool) -> None:
    life.then("request", days=rng.randint(1, 4), officer=officer, text=rng.choice(REQUESTS[stage]))
    if answered:
        life.then("answer", days=rng.randint(2, 9))


def _review(life: Life, rng: random.Random, stage: str, officer: User) -> None:
    life.then("review", days=rng.randint(1, 6), officer=officer)
    if rng.random() < 0.4:
        life.then("note", officer=officer, text=rng.choice(NOTES[stage]))


def _visa(life: Life, rng: random.Random, officers: Officers, outcome: str) -> User:
    """Review and decide the visa; returns the consular officer who worked it."""
    officer = _pick_officer(rng, officers.consular)
    _review(life, rng, "visa", officer)
    if rng.random() < 0.2:
        _information(life, rng, "visa", officer, answered=True)
    if outcome == "refuse":
        ground = rng.choices(list(REFUSALS["visa"]), weights=[4, 2, 1])[0]
        life.then("refuse", days=rng.randint(1, 8), officer=officer, stage="visa", ground=ground)
    else:
        life.then(
            "approve", days=rng.randint(1, 8), officer=officer, starts_after=rng.randint(0, 7)
        )
    return officer


def _entry(life: Life, rng: random.Random, officers: Officers) -> User:
    starts_after = life.steps[-1].params["starts_after"]
    officer = _pick_officer(rng, officers.migration)
    life.then("entry", days=starts_after + rng.randint(1, 60), officer=officer)
    return officer


def _trp_review(
    life: Life, rng: random.Random, officer: User, checklist: tuple[str, ...], ticked: int
) -> None:
    _review(life, rng, "trp", officer)
    for code in rng.sample(checklist, ticked) if ticked < len(checklist) else checklist:
        life.then("check", officer=officer, code=code)


def _granted_visa(life: Life, rng: random.Random, officers: Officers) -> int:
    """Review and grant the visa; returns how many days after the grant it starts."""
    _visa(life, rng, officers, "approve")
    starts_after: int = life.steps[-1].params["starts_after"]
    return starts_after


def _entered(life: Life, rng: random.Random, officers: Officers) -> User:
    """Grant the visa and record the entry; returns the migration officer who works the permit."""
    _granted_visa(life, rng, officers)
    return _entry(life, rng, officers)


# How many days ago a case's last step may be, by the status it reached (a range).
Ages = tuple[int, int]


def _plan_draft(life: Life, rng: random.Random) -> Ages:
    life.then("start")
    if rng.random() < 0.75:
        life.then("about", days=rng.choice((0, 1)))
    if rng.random() < 0.5:
        life.then("passport")
        life.then("declaration")
        life.then("upload", document="passport_scan", pdf=rng.random() < 0.3)
        if rng.random() < 0.6:
            life.then("upload", document="photo")
    return (0, 60)


def _plan_visa_submitted(life: Life, rng: random.Random, officers: Officers, overdue: bool) -> Ages:
    if rng.random() < 0.3:
        colleague = rng.choice(officers.consular[1:])
        life.then("assign", days=rng.choice((0, 1)), officer=officers.consular[0], to=colleague)
    return (22, 45) if overdue else (0, 5)


def _plan_visa_in_review(life: Life, rng: random.Random, officers: Officers, overdue: bool) -> Ages:
    officer = _pick_officer(rng, officers.consular)
    _review(life, rng, "visa", officer)
    if rng.random() < 0.2:
        _information(life, rng, "visa", officer, answered=True)
    if rng.random() < 0.15:
        colleague = rng.choice([other for other in officers.consular if other != officer])
        life.then("assign", days=rng.randint(0, 2), officer=officer, to=colleague)
    elif rng.random() < 0.1:
        life.then("unassign", days=rng.randint(0, 2), officer=officer)
    return (22, 50) if overdue else (0, 10)


def _plan_visa_info_requested(
    life: Life, rng: random.Random, officers: Officers, overdue: bool
) -> Ages:
    officer = _pick_officer(rng, officers.consular)
    _review(life, rng, "visa", officer)
    _information(life, rng, "visa", officer, answered=False)
    return (16, 40) if overdue else (0, 12)


def _plan_visa_refused(life: Life, rng: random.Random, officers: Officers, overdue: bool) -> Ages:
    _visa(life, rng, officers, "refuse")
    return (0, 380)


def _plan_visa_granted(life: Life, rng: random.Random, officers: Officers, overdue: bool) -> Ages:
    starts_after = _granted_visa(life, rng, officers)
    return (0, 80 - starts_after)


def _plan_visa_expired(life: Life, rng: random.Random, officers: Officers, overdue: bool) -> Ages:
    starts_after = _granted_visa(life, rng, officers)
    # The daily check finds the visa unused the day after its last valid day.
    life.then("expire", days=starts_after + 92)
    return (3, 280)


def _plan_trp_submitted(life: Life, rng: random.Random, officers: Officers, overdue: bool) -> Ages:
    _entered(life, rng, officers)
    return (125, 160) if overdue else (0, 20)


def _plan_trp_in_review(life: Life, rng: random.Random, officers: Officers, overdue: bool) -> Ages:
    officer = _entered(life, rng, officers)
    checklist = officers.checklist
    _trp_review(life, rng, officer, checklist, rng.randint(0, len(checklist)))
    if rng.random() < 0.2:
        _information(life, rng, "trp", officer, answered=True)
    if rng.random() < 0.15:
        colleague = rng.choice([other for other in officers.migration if other != officer])
        life.then("assign", days=rng.randint(0, 3), officer=officer, to=colleague)
    return (125, 180) if overdue else (0, 60)


def _plan_trp_info_requested(
    life: Life, rng: random.Random, officers: Officers, overdue: bool
) -> Ages:
    officer = _entered(life, rng, officers)
    checklist = officers.checklist
    _trp_review(life, rng, officer, checklist, rng.randint(0, len(checklist)))
    _information(life, rng, "trp", officer, answered=False)
    return (16, 40) if overdue else (0, 12)


def _plan_trp_decided(life: Life, rng: random.Random, officers: Officers, refuse: bool) -> Ages:
    officer = _entered(life, rng, officers)
    checklist = officers.checklist
    _trp_review(life, rng, officer, checklist, rng.randint(2, 7) if refuse else len(checklist))
    if rng.random() < 0.25:
        _information(life, rng, "trp", officer, answered=True)
    if rng.random() < 0.4:
        life.then("note", days=rng.randint(1, 10), officer=officer, text=rng.choice(NOTES["trp"]))
    if refuse:
        ground = rng.choices(list(REFUSALS["trp"]), weights=[3, 3, 2, 1])[0]
        life.then("refuse", days=rng.randint(15, 80), officer=officer, stage="trp", ground=ground)
    else:
        region = rng.choices(list(REGIONS), weights=list(REGIONS.values()))[0]
        life.then("approve", days=rng.randint(20, 90), officer=officer, region=region)
    return (0, 400)


def _plan_trp_granted(life: Life, rng: random.Random, officers: Officers, overdue: bool) -> Ages:
    return _plan_trp_decided(life, rng, officers, refuse=False)


def _plan_trp_refused(life: Life, rng: random.Random, officers: Officers, overdue: bool) -> Ages:
    return _plan_trp_decided(life, rng, officers, refuse=True)


def _withdrawn_before_review(life: Life, rng: random.Random, officers: Officers) -> Ages:
    life.then("withdraw", days=rng.randint(1, 10))
    return (0, 380)


def _withdrawn_in_visa_review(life: Life, rng: random.Random, officers: Officers) -> Ages:
    officer = _pick_officer(rng, officers.consular)
    _review(life, rng, "visa", officer)
    if rng.random() < 0.2:
        _information(life, rng, "visa", officer, answered=True)
    life.then("withdraw", days=rng.randint(1, 10))
    return (0, 380)


def _withdrawn_with_visa(life: Life, rng: random.Random, officers: Officers) -> Ages:
    _granted_visa(life, rng, officers)
    life.then("withdraw", days=rng.randint(5, 50))
    return (0, 300)


def _withdrawn_in_permit_review(life: Life, rng: random.Random, officers: Officers) -> Ages:
    officer = _entered(life, rng, officers)
    _trp_review(life, rng, officer, officers.checklist, rng.randint(0, 5))
    life.then("withdraw", days=rng.randint(5, 40))
    return (0, 250)


# The steps after submission that bring a case to each status but "draft" and "withdrawn",
# given whether an open case is to be overdue.
PLANS: dict[str, Callable[[Life, random.Random, Officers, bool], Ages]] = {
    "visa_submitted": _plan_visa_submitted,
    "visa_in_review": _plan_visa_in_review,
    "visa_info_requested": _plan_visa_info_requested,
    "visa_granted": _plan_visa_granted,
    "visa_refused": _plan_visa_refused,
    "visa_expired": _plan_visa_expired,
    "trp_submitted": _plan_trp_submitted,
    "trp_in_review": _plan_trp_in_review,
    "trp_info_requested": _plan_trp_info_requested,
    "trp_granted": _plan_trp_granted,
    "trp_refused": _plan_trp_refused,
}
# Where a withdrawn case was when the applicant withdrew it, and the steps that led there.
WITHDRAWALS: dict[str, Callable[[Life, random.Random, Officers], Ages]] = {
    "visa_submitted": _withdrawn_before_review,
    "visa_in_review": _withdrawn_in_visa_review,
    "visa_granted": _withdrawn_with_visa,
    "trp_in_review": _withdrawn_in_permit_review,
}


def plan_life(rng: random.Random, status: str, officers: Officers) -> tuple[Life, Ages]:
    """The steps that bring a case to ``status``, and how many days ago the last may be."""
    life = Life(rng)
    overdue = rng.random() < 0.2  # open cases: some past their deadline, or their answer's
    if status == "draft":
        return life, _plan_draft(life, rng)
    _prepare(life, rng)
    withdrawn_from = rng.choice(tuple(WITHDRAWALS))
    if status == "withdrawn":
        return life, WITHDRAWALS[withdrawn_from](life, rng, officers)
    return life, PLANS[status](life, rng, officers, overdue)


def anchor(life: Life, rng: random.Random, ages: tuple[int, int], now: datetime) -> list[Step]:
    """Give each step its moment: the last one ``ages`` days ago, none before the history starts."""
    today = timezone.localdate(now)
    last = life.steps[-1].day
    age = min(rng.randint(*ages), max(0, HISTORY_DAYS - last))
    started = today - timedelta(days=age + last)
    for step in life.steps:
        day = started + timedelta(days=step.day)
        step.at = timezone.make_aware(
            datetime.combine(
                day, clock_time(step.minute // 60, step.minute % 60, rng.randint(0, 59))
            )
        )
    latest = max(step.at for step in life.steps if step.at is not None)
    if latest > now:  # a step later today than the clock: the whole life moves a little back
        shift = latest - now + timedelta(minutes=rng.randint(5, 90))
        for step in life.steps:
            assert step.at is not None
            step.at -= shift
    return life.steps


# Running the steps through the real actions --------------------------------------------------


# The timeline entries each step's action writes, in order (sections, uploads, notes
# and checklist ticks write none).
TIMELINE_ENTRIES: dict[str, tuple[str, ...]] = {
    "start": (CaseEventType.DRAFT_STARTED,),
    "submit": (CaseEventType.SUBMITTED,),
    "withdraw": (CaseEventType.WITHDRAWN,),
    "review": (CaseEventType.REVIEW_STARTED,),
    "assign": (CaseEventType.ASSIGNED,),
    "unassign": (CaseEventType.UNASSIGNED,),
    "request": (CaseEventType.INFORMATION_REQUESTED,),
    "answer": (CaseEventType.INFORMATION_PROVIDED,),
    "approve": (CaseEventType.APPROVED, CaseEventType.DOCUMENT_ISSUED),
    "refuse": (CaseEventType.REFUSED,),
    "entry": (CaseEventType.ENTRY_RECORDED,),
    "expire": (CaseEventType.DOCUMENT_EXPIRED,),
}


@dataclass
class Done:
    step: Step
    event_ids: list[int]
    result: Any


class Runner:
    """Runs one case's steps through Haven's actions, noting what each one wrote."""

    def __init__(
        self, applicant: User, profile: Profile, programme: Programme, rng: random.Random
    ) -> None:
        self.applicant = applicant
        self.profile = profile
        self.programme = programme
        self.rng = rng
        self.case: Case | None = None
        self.done: list[Done] = []

    def _version(self) -> int:
        assert self.case is not None
        return Case.objects.values_list("version", flat=True).get(pk=self.case.pk)

    def run(self, steps: list[Step]) -> Case:
        """Run the steps; those between uploads share one transaction, to commit less often.

        Each action still opens its own (nested) transaction, exactly as in
        use. Uploads run outside, as ``document_upload`` asks, so a failure
        never leaves a stored file without its row.
        """
        batch: list[Step] = []
        for step in [*steps, None]:
            if step is not None and step.kind != "upload":
                batch.append(step)
                continue
            if batch:
                with transaction.atomic():
                    for waiting in batch:
                        self._run_step(waiting)
                batch = []
            if step is not None:
                self._run_step(step)
        self.attribute_events()
        assert self.case is not None
        return self.case

    def _run_step(self, step: Step) -> None:
        self.done.append(Done(step, [], self._one(step)))

    def attribute_events(self) -> None:
        """Tell each step which timeline entries it wrote (one query for the whole case).

        Entries are matched in order to the types each step's action writes;
        an entry of a type no step expects (an action that came to write
        more) goes with the step before it, so every entry gets a time.
        """
        assert self.case is not None
        events = list(
            CaseEvent.objects.filter(case_id=self.case.pk).order_by("pk").values_list("pk", "type")
        )
        position = 0
        previous: Done | None = None
        for item in self.done:
            for expected in TIMELINE_ENTRIES.get(item.step.kind, ()):
                found = next(
                    (i for i in range(position, len(events)) if events[i][1] == expected), None
                )
                if found is None:
                    continue
                for pk, _type in events[position:found]:
                    (previous or item).event_ids.append(pk)
                item.event_ids.append(events[found][0])
                position = found + 1
            if item.event_ids:
                previous = item
        for pk, _type in events[position:]:
            (previous or self.done[0]).event_ids.append(pk)

    def _one(self, step: Step) -> Any:
        if step.kind == "start":
            with translation.override(self.profile.language):
                self.case = applicant_actions.case_start(
                    applicant=self.applicant, programme_id=PROGRAMME
                )
            return self.case
        assert self.case is not None
        run = self.STEPS.get(step.kind)
        if run is None:  # pragma: no cover
            raise ValueError(f"unknown demo step {step.kind!r}")
        return run(self, self.case, step)

    @staticmethod
    def _officer(step: Step) -> User:
        officer: User | None = step.params.get("officer")
        assert officer is not None
        return officer

    # The applicant's steps.

    def _do_about(self, case: Case, step: Step) -> Any:
        return applicant_actions.case_update_person(
            actor=self.applicant, case=case, data=self.profile.person
        )

    def _do_passport(self, case: Case, step: Step) -> Any:
        return applicant_actions.case_update_passport(
            actor=self.applicant, case=case, data=self.profile.passport
        )

    def _do_declaration(self, case: Case, step: Step) -> Any:
        return applicant_actions.case_sign_declaration(
            actor=self.applicant,
            case=case,
            full_name=self.profile.signature,
            statement=self.profile.statement,
            language=case.language,
        )

    def _do_upload(self, case: Case, step: Step) -> Any:
        params = step.params
        if params.get("pdf"):
            upload = demo_pdf(f"Passport {self.profile.full_name}")
        elif params["document"] == "photo":
            upload = demo_png(self.rng, "photo.png", (35, 45))
        else:
            upload = demo_png(self.rng, "passport.png", (88, 62))
        return document_upload(
            actor=self.applicant,
            case=case,
            kind=params["document"],
            uploaded_file=upload,
            allowed_kinds=required_documents(self.programme, "visa", timezone.localdate()),
        )

    def _do_submit(self, case: Case, step: Step) -> Any:
        return applicant_actions.case_submit(actor=self.applicant, case=case)

    def _do_withdraw(self, case: Case, step: Step) -> Any:
        return applicant_actions.case_withdraw(actor=self.applicant, case=case)

    def _do_answer(self, case: Case, step: Step) -> Any:
        answers = ANSWERS[self.profile.language]
        return applicant_actions.case_answer_information(
            applicant=self.applicant, case=case, answer=self.rng.choice(answers)
        )

    # What the daily check and the border do.

    def _do_expire(self, case: Case, step: Step) -> Any:
        visa = IssuedDocument.objects.get(case=case, kind=IssuedDocument.Kind.VISA)
        return official_actions.case_expire_visa(
            case=case, today=visa.valid_until + timedelta(days=1)
        )

    def _do_entry(self, case: Case, step: Step) -> Any:
        # Reported by border control, as crossings are (the migration officer picked for
        # the step works the permit next). Entered today as far as the actions know;
        # back-dated below with the rest.
        return official_actions.case_record_entry(
            actor=None, case=case, entered_on=timezone.localdate(), source="border"
        )

    # The officers' steps.

    def _do_review(self, case: Case, step: Step) -> Any:
        return official_actions.case_start_review(officer=self._officer(step), case=case)

    def _do_assign(self, case: Case, step: Step) -> Any:
        return official_actions.case_assign(
            officer=self._officer(step), case=case, assignee=step.params["to"]
        )

    def _do_unassign(self, case: Case, step: Step) -> Any:
        return official_actions.case_unassign(officer=self._officer(step), case=case)

    def _do_note(self, case: Case, step: Step) -> Any:
        return official_actions.case_note_add(
            officer=self._officer(step), case=case, text=step.params["text"]
        )

    def _do_check(self, case: Case, step: Step) -> Any:
        return official_actions.case_check_document(
            officer=self._officer(step), case=case, code=step.params["code"], checked=True
        )

    def _do_request(self, case: Case, step: Step) -> Any:
        return official_actions.case_request_information(
            officer=self._officer(step),
            case=case,
            version=self._version(),
            message=step.params["text"],
            due_on=timezone.localdate() + timedelta(days=14),
        )

    def _do_approve(self, case: Case, step: Step) -> Any:
        return official_actions.case_approve(
            officer=self._officer(step),
            case=case,
            version=self._version(),
            region=step.params.get("region", ""),
        )

    def _do_refuse(self, case: Case, step: Step) -> Any:
        ground = step.params["ground"]
        return official_actions.case_refuse(
            officer=self._officer(step),
            case=case,
            version=self._version(),
            grounds=[ground],
            explanation=REFUSALS[step.params["stage"]][ground],
        )

    # Every step but "start", by its kind.
    STEPS: ClassVar[dict[str, Callable[[Runner, Case, Step], Any]]] = {
        "about": _do_about,
        "passport": _do_passport,
        "declaration": _do_declaration,
        "upload": _do_upload,
        "submit": _do_submit,
        "withdraw": _do_withdraw,
        "answer": _do_answer,
        "expire": _do_expire,
        "entry": _do_entry,
        "review": _do_review,
        "assign": _do_assign,
        "unassign": _do_unassign,
        "note": _do_note,
        "check": _do_check,
        "request": _do_request,
        "approve": _do_approve,
        "refuse": _do_refuse,
    }


# Back-dating ----------------------------------------------------------------------------------


def _with_expiry(line2: str, valid_until: date) -> str:
    """A visa's second MRZ line (format A) with another date of expiry and its check digit."""
    expires = valid_until.strftime("%y%m%d")
    return line2[:21] + expires + check_digit(expires) + line2[28:]


def _deadline(programme: Programme, stage: str, start: date) -> date | None:
    term = programme.optional_value(programme.stage(stage).decision_deadline_parameter, start)
    return add_duration(start, term.value) if term else None


def _set_each(rows: QuerySet[Any], field: str, key: str, values: dict[Any, Any]) -> None:
    """One UPDATE giving each row (found by its ``key``) its own value of ``field``."""
    if values:
        choices = [When(**{key: found}, then=Value(value)) for found, value in values.items()]
        rows.filter(**{f"{key}__in": list(values)}).update(**{field: Choose(*choices)})


class _Backdating:
    """One case's dates as its steps were planned, gathered step by step, then written."""

    def __init__(self, case: Case, programme: Programme) -> None:
        self.case = case
        self.programme = programme
        self.at_of_event: dict[int, datetime] = {}
        self.case_dates: dict[str, Any] = {}
        self.documents: list[Document] = []
        self.requests: dict[int, InformationRequest] = {}
        self.notes: list[CaseNote] = []
        self.checks: dict[str, datetime] = {}
        self.decisions: list[Decision] = []
        self.issued = {
            document.decision_id: document for document in IssuedDocument.objects.filter(case=case)
        }
        self.visa: IssuedDocument | None = None
        self.patches: dict[int, dict[str, str]] = {}  # timeline entries whose details name a date

    def step(self, item: Done) -> None:
        at = item.step.at
        assert at is not None
        if item.step.kind == "expire" and self.visa is not None:
            at = self._visa_expired(self.visa, item)
        for pk in item.event_ids:
            self.at_of_event[pk] = at
        self.case_dates["updated_at"] = at
        backdate = self.STEPS.get(item.step.kind)
        if backdate is not None:
            backdate(self, item, at)

    def _visa_expired(self, visa: IssuedDocument, item: Done) -> datetime:
        # The daily check runs at night, the day after the visa's last valid day.
        at = timezone.make_aware(
            datetime.combine(visa.valid_until + timedelta(days=1), clock_time(3, 0))
        )
        visa.expired_unused_on = at.date()
        self._patch(item, valid_until=visa.valid_until)
        return at

    def _patch(self, item: Done, **dates: date) -> None:
        """The dates the step's timeline entries name in their details."""
        self.patches.update(
            {
                key: {name: value.isoformat() for name, value in dates.items()}
                for key in item.event_ids
            }
        )

    def _started(self, item: Done, at: datetime) -> None:
        self.case_dates["created_at"] = at

    def _declared(self, item: Done, at: datetime) -> None:
        Declaration.objects.filter(case=self.case).update(signed_at=at)

    def _uploaded(self, item: Done, at: datetime) -> None:
        item.result.received_at = at
        self.documents.append(item.result)

    def _submitted(self, item: Done, at: datetime) -> None:
        self.case_dates["submitted_at"] = at
        self.case_dates["stage_started_on"] = at.date()
        self.case_dates["deadline"] = _deadline(self.programme, "visa", at.date())

    def _requested(self, item: Done, at: datetime) -> None:
        request = item.result
        request.requested_at = at
        request.due_on = at.date() + (request.due_on - item.step.params["load_day"])
        self.requests[request.pk] = request
        self._patch(item, due_on=request.due_on)

    def _answered(self, item: Done, at: datetime) -> None:
        request = self.requests.get(item.result.pk, item.result)
        request.answered_at = at
        self.requests[request.pk] = request

    def _noted(self, item: Done, at: datetime) -> None:
        item.result.created_at = at
        self.notes.append(item.result)

    def _checked(self, item: Done, at: datetime) -> None:
        self.checks[item.step.params["code"]] = at

    def _decided(self, item: Done, at: datetime) -> None:
        decision = item.result
        decision.decided_at = at
        self.decisions.append(decision)
        document = self.issued.get(decision.pk)
        if document is not None:
            self._issued(document, at.date(), item.step.params.get("starts_after", 0))

    def _issued(self, document: IssuedDocument, issued_on: date, starts_after: int) -> None:
        document.issued_on = issued_on
        document.valid_from = issued_on + timedelta(days=starts_after)
        validity = self.programme.value(
            str(IssuedKind(document.kind).validity_parameter), document.issued_on
        )
        assert validity is not None, "the programme issued it, so it says how long"
        document.valid_until = validity_end(document.valid_from, validity.value)
        if document.kind == IssuedDocument.Kind.VISA:
            document.mrz_line2 = _with_expiry(document.mrz_line2, document.valid_until)
            self.visa = document

    def _entered(self, item: Done, at: datetime) -> None:
        entered = at.date()
        self.case_dates["stage_started_on"] = entered
        self.case_dates["deadline"] = _deadline(self.programme, "trp", entered)
        self._patch(item, entered_on=entered)
        if self.visa is not None:
            self.visa.used_on = entered

    # What each kind of step dates besides its timeline entries and the case's last change.
    STEPS: ClassVar[dict[str, Callable[[_Backdating, Done, datetime], None]]] = {
        "start": _started,
        "declaration": _declared,
        "upload": _uploaded,
        "submit": _submitted,
        "request": _requested,
        "answer": _answered,
        "note": _noted,
        "check": _checked,
        "approve": _decided,
        "refuse": _decided,
        "entry": _entered,
    }

    def write(self) -> None:
        """A few small UPDATEs: quicker than bulk_update for the few rows of one case."""
        Case.objects.filter(pk=self.case.pk).update(**self.case_dates)
        _set_each(CaseEvent.objects.all(), "occurred_at", "pk", self.at_of_event)
        for event in CaseEvent.objects.filter(pk__in=list(self.patches)):
            event.details = {**event.details, **self.patches[event.pk]}
            event.save(update_fields=["details"])
        received = {d.pk: d.received_at for d in self.documents}
        _set_each(Document.objects.all(), "received_at", "pk", received)
        for request in self.requests.values():
            request.save(update_fields=["requested_at", "due_on", "answered_at"])
        noted = {n.pk: n.created_at for n in self.notes}
        _set_each(CaseNote.objects.all(), "created_at", "pk", noted)
        _set_each(DocumentCheck.objects.filter(case=self.case), "checked_at", "code", self.checks)
        decided = {d.pk: d.decided_at for d in self.decisions}
        _set_each(Decision.objects.all(), "decided_at", "pk", decided)
        for document in self.issued.values():
            self._write_issued(document)

    def _write_issued(self, document: IssuedDocument) -> None:
        document.save(
            update_fields=[
                "issued_on",
                "valid_from",
                "valid_until",
                "used_on",
                "expired_unused_on",
                "mrz_line2",
            ]
        )
        window_parameter = IssuedKind(document.kind).notification_window_parameter
        window = (
            self.programme.optional_value(window_parameter, document.issued_on)
            if window_parameter
            else None
        )
        for notification in PermitNotification.objects.filter(document=document):
            notification.window_opens = add_duration(
                document.valid_from, {"years": notification.year}
            )
            if window is not None:
                notification.window_closes = add_duration(notification.window_opens, window.value)
            notification.save(update_fields=["window_opens", "window_closes"])


def backdate_case_history(case: Case, done: list[Done], programme: Programme) -> None:
    """Move one demo case's own dates to the moments its steps were planned for.

    Why: the actions stamp every row with "now", but a demo needs history
    (cases submitted a year ago, visas that expired, permits whose first
    annual notification is due, deadlines missed). So, after the real
    actions ran, this is the one place demo rows are written behind the
    actions' backs, and only dates, and only of this case: the case's
    created/submitted/stage/deadline dates, its timeline entries (with the
    dates in their details), declaration, documents' receipt times,
    requests for information, notes, checklist ticks, decisions, and the
    issued visa or permit (validity, use, expiry, the visa's machine-readable
    expiry date) with the permit's annual notification windows.

    Not the audit trail: its events are hash-chained and append-only, so
    they keep the time the demo was loaded, which is the truth. Nor the
    references and document numbers, which carry the year of loading, nor
    the rules' evaluation stored at submission, dated the day of loading.
    """
    backdating = _Backdating(case, programme)
    for item in done:
        backdating.step(item)
    backdating.write()


# Loading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCases:
    created: int
    kept: int
    seconds: float
    by_status: dict[str, int]  # of the cases created this time


@contextmanager
def _quietly() -> Iterator[None]:
    """While loading: no email to the made-up applicants, and cheaper password hashes.

    Hashing the demo password for hundreds of applicants at Argon2id's full
    cost would take most of a minute; they get Haven's test-suite cost of the
    same algorithm instead, which Django raises to the full cost the first
    time each one signs in.
    """
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        PASSWORD_HASHERS=["haven.accounts.hashers.TestArgon2PasswordHasher"],
    ):
        yield


def _applicant(email: str, profile: Profile) -> User:
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    return user_create(
        email=email,
        password=DEMO_PASSWORD,
        roles=[Role.APPLICANT],
        full_name=profile.full_name,
        preferred_language=profile.language,
    )


def _case_plan(
    number: int, listed: list[str], officers: Officers, now: datetime
) -> tuple[str, random.Random, Special, list[Step]]:
    # Made-up data, the same at every load: no secret comes from it.
    rng = random.Random(f"haven-demo-{number}")  # noqa: S311  # nosec B311
    special = SPECIALS.get(number)
    if special is None:
        if number <= len(STATUSES):
            status = STATUSES[number - 1]
            nationality = FIRST_NATIONALITIES[(number - 1) % len(FIRST_NATIONALITIES)]
        else:
            status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
            bulk = number - FIRST_BULK
            if 0 <= bulk < len(listed):
                nationality = listed[bulk]
            else:
                nationality = rng.choices(listed, weights=[WEIGHTS.get(c, 1) for c in listed])[0]
        special = Special(status, (nationality,), nationality)
    life, ages = plan_life(rng, special.status, officers)
    return special.status, rng, special, anchor(life, rng, ages, now)


def _make_case(
    email: str,
    rng: random.Random,
    special: Special,
    steps: list[Step],
    programme: Programme,
    officers: Officers,
) -> Case:
    profile = make_profile(rng, email, special.citizenships, special.residence, special)
    applicant = _applicant(email, profile)
    today = timezone.localdate()
    for step in steps:
        if step.kind == "request":
            step.params["load_day"] = today
    if special.note:
        # Said by the officer who reviews the case, right after starting the review.
        index = next(i for i, step in enumerate(steps) if step.kind == "review")
        review = steps[index]
        assert review.at is not None
        steps.insert(
            index + 1,
            Step(
                "note",
                review.day,
                review.minute,
                {"officer": review.params["officer"], "text": special.note},
                at=review.at + timedelta(minutes=12),
            ),
        )
    runner = Runner(applicant, profile, programme, rng)
    case = runner.run(steps)
    with transaction.atomic():
        backdate_case_history(case, runner.done, programme)
    return case


def _officers(programme: Programme, today: date) -> Officers:
    def pool(role: Role) -> tuple[User, ...]:
        emails = [demo_email(role, number) for number in (1, 2, 3)]
        users = {user.email: user for user in User.objects.filter(email__in=emails)}
        return tuple(users[email] for email in emails)

    return Officers(
        pool(Role.CONSULAR_OFFICER),
        pool(Role.MIGRATION_OFFICER),
        official_actions.checklist_codes(programme, "trp", today),
    )


def _main_applicant_case(programme: Programme, officers: Officers, now: datetime) -> None:
    """Anna Schmidt, the demo applicant, waits to answer a request, unless she has cases."""
    anna = User.objects.filter(email=MAIN_APPLICANT).first()
    if anna is None or Case.objects.filter(applicant=anna).exists():
        return
    # Made-up data, the same at every load.
    rng = random.Random("haven-demo-main")  # noqa: S311  # nosec B311
    special = Special(
        "visa_info_requested",
        ("DE",),
        "DE",
        surname="Schmidt",
        given="Anna",
        sex="F",
        birth=date(1985, 3, 21),
    )
    life = Life(rng)
    _prepare(life, rng)
    life.then("review", days=3, officer=officers.consular[0])
    _information(life, rng, "visa", officers.consular[0], answered=False)
    _make_case(MAIN_APPLICANT, rng, special, anchor(life, rng, (1, 2), now), programme, officers)


def load_demo_cases(count: int = DEFAULT_COUNT) -> DemoCases:
    """Make the demo cases that are missing (HAVEN_ENV=demo only; the caller checks)."""
    started = time.monotonic()
    load_demo_accounts()
    load_demo_colleagues()
    programme = programme_get(PROGRAMME)
    now = timezone.now()
    today = timezone.localdate(now)
    officers = _officers(programme, today)
    designated = programme.value("designated_states", today)
    assert designated is not None, "the programme in force lists its states"
    listed = sorted(designated.value)
    have_cases = set(
        User.objects.filter(email__startswith="applicant.", email__endswith=f"@{DEMO_DOMAIN}")
        .filter(cases__isnull=False)
        .values_list("email", flat=True)
    )
    created: Counter[str] = Counter()
    with _quietly():
        _main_applicant_case(programme, officers, now)
        for number in range(1, count + 1):
            email = applicant_email(number)
            if email in have_cases:
                continue
            status, rng, special, steps = _case_plan(number, listed, officers, now)
            _make_case(email, rng, special, steps, programme, officers)
            created[status] += 1
    made = sum(created.values())
    return DemoCases(
        created=made,
        kept=count - made,
        seconds=time.monotonic() - started,
        by_status=dict(sorted(created.items())),
    )
