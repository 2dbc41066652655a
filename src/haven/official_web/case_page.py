"""The official's case page, read in one go: every section, in the reader's language.

``case_page_for_officer`` gathers what the page shows for an official who may
open the case (``haven.cases.selectors.access_case_for_officer`` has checked
that). It costs the same few queries however many events, documents, notes
and requests the case has. Nothing here changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.accounts.models import User
from haven.cases.authorities import authority_get, officer_authorities
from haven.cases.models import (
    Case,
    CaseEvent,
    CaseNote,
    Decision,
    DocumentCheck,
    InformationRequest,
)
from haven.cases.policy import may, may_act_as
from haven.cases.queues import nationality_label, stage_title, state_label, status_code_label
from haven.cases.selectors import officer_case_ids
from haven.cases.states import AWAITING_DECISION, state_or_withdrawn
from haven.cases.transitions import DRAFT, Action, StageState
from haven.casework.official_actions import checklist_codes
from haven.documents.selectors import document_list_for_case
from haven.issuance.models import IssuedDocument
from haven.issuance.regions import region_name
from haven.issuance.selectors import (
    VALIDITY_LABELS,
    can_record_notifications,
    notification_schedule,
    validity_on,
)
from haven.people.duplicates import duplicate_candidates_for
from haven.people.models import Passport, Person
from haven.people.mrz import MrzErrorCode, MrzResult, check_mrz, cross_check, is_mrz_like
from haven.people.mrz_labels import MRZ_FIELD_NAMES
from haven.rules.display import show_value
from haven.rules.evaluate import Facts, RulesInputError, evaluate
from haven.rules.messages import MESSAGES, render
from haven.rules.nationality import UnknownNationalityCode
from haven.rules.parameters import ParameterType
from haven.rules.programme import Programme
from haven.rules.references import LegalReference
from haven.rules.selectors import programme_get
from haven.rules.vocabulary import authority_label, code_label, parameter_label

# The actions an official takes from the case page, in the order the page shows them,
# with the page that confirms each.
OFFICER_ACTIONS: dict[Action, tuple[str, Promise]] = {
    Action.START_REVIEW: ("work:case_start_review", gettext_lazy("Start review")),
    Action.REQUEST_INFORMATION: (
        "work:case_request_information",
        gettext_lazy("Request information"),
    ),
    Action.APPROVE: ("work:case_approve", gettext_lazy("Approve")),
    Action.REFUSE: ("work:case_refuse", gettext_lazy("Refuse")),
    Action.RECORD_ENTRY: ("work:case_record_entry", gettext_lazy("Record entry")),
}


# The states in which a case waits for the authority: it can be assigned, and be overdue.

OUTCOME_LABELS: dict[str, Promise] = {
    "eligible": gettext_lazy("Eligible"),
    "ineligible": gettext_lazy("Not eligible"),
    "undetermined": gettext_lazy("Cannot be determined"),
}

MRZ_ERROR_TEXTS: dict[MrzErrorCode, Promise] = {
    MrzErrorCode.LINE_LENGTH: gettext_lazy("the line does not have the length of its format"),
    MrzErrorCode.INVALID_CHARACTERS: gettext_lazy(
        "characters a machine-readable zone cannot contain"
    ),
    MrzErrorCode.DOCUMENT_CODE: gettext_lazy("not the code of a passport"),
    MrzErrorCode.ISSUING_STATE_UNKNOWN: gettext_lazy("not a known state's code"),
    MrzErrorCode.NAME_INVALID: gettext_lazy("cannot be read"),
    MrzErrorCode.DOCUMENT_NUMBER_INVALID: gettext_lazy("cannot be read"),
    MrzErrorCode.DOCUMENT_NUMBER_CHECK_DIGIT: gettext_lazy("its check digit does not match"),
    MrzErrorCode.NATIONALITY_UNKNOWN: gettext_lazy("not a known state's code"),
    MrzErrorCode.BIRTH_DATE_INVALID: gettext_lazy("not a real date"),
    MrzErrorCode.BIRTH_DATE_CHECK_DIGIT: gettext_lazy("its check digit does not match"),
    MrzErrorCode.SEX_INVALID: gettext_lazy("neither F, M nor unspecified"),
    MrzErrorCode.EXPIRY_DATE_INVALID: gettext_lazy("not a real date"),
    MrzErrorCode.EXPIRY_DATE_CHECK_DIGIT: gettext_lazy("its check digit does not match"),
    MrzErrorCode.OPTIONAL_DATA_CHECK_DIGIT: gettext_lazy("its check digit does not match"),
    MrzErrorCode.COMPOSITE_CHECK_DIGIT: gettext_lazy("does not match the rest of the line"),
    MrzErrorCode.SURNAME_MISMATCH: gettext_lazy("differs from what the applicant typed"),
    MrzErrorCode.GIVEN_NAMES_MISMATCH: gettext_lazy("differs from what the applicant typed"),
    MrzErrorCode.DOCUMENT_NUMBER_MISMATCH: gettext_lazy("differs from what the applicant typed"),
    MrzErrorCode.NATIONALITY_MISMATCH: gettext_lazy(
        "is none of the citizenships the applicant gave"
    ),
    MrzErrorCode.BIRTH_DATE_MISMATCH: gettext_lazy("differs from what the applicant typed"),
    MrzErrorCode.SEX_MISMATCH: gettext_lazy("differs from what the applicant typed"),
    MrzErrorCode.EXPIRY_DATE_MISMATCH: gettext_lazy("differs from what the applicant typed"),
}
MRZ_NAME_FIELD = gettext_lazy("name")


def user_name(user: User | None) -> str:
    return str(user.full_name or user.email) if user is not None else ""


# Header ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionLink:
    action: str
    label: str
    url: str


def _state(case: Case) -> str:
    return state_or_withdrawn(case)


def officer_actions(user: User, programme: Programme, case: Case) -> list[Action]:
    """The actions the official may take on the case now (``policy.may``, in the page's order)."""
    return [action for action in OFFICER_ACTIONS if may(user, action, case, programme)]


# Applicant and passport --------------------------------------------------------------------


@dataclass(frozen=True)
class MrzProblem:
    field: str
    code: str
    text: str  # "date of birth: its check digit does not match"
    zone_value: str = ""
    typed_value: str = ""


@dataclass(frozen=True)
class MrzCheck:
    present: bool
    readable: bool  # looks like a zone at all
    format: str
    zone_errors: tuple[MrzProblem, ...]
    mismatches: tuple[MrzProblem, ...]

    @property
    def valid(self) -> bool:
        return self.present and self.readable and not self.zone_errors and not self.mismatches


def _field_name(field: str) -> str:
    if field == "name":
        return str(MRZ_NAME_FIELD)
    return str(MRZ_FIELD_NAMES.get(field, field))


def _problem(field: str, code: MrzErrorCode, zone: Any = None, typed: Any = None) -> MrzProblem:
    return MrzProblem(
        field=field,
        code=code.value,
        text=f"{_field_name(field)}: {MRZ_ERROR_TEXTS.get(code, code.value)}",
        zone_value="" if zone is None else str(zone),
        typed_value="" if typed is None else str(typed),
    )


def mrz_check(person: Person, passport: Passport | None) -> MrzCheck:
    """The passport's zone checked (ICAO 9303) and compared with what the applicant typed.

    The zone's nationality must agree with one of the applicant's
    citizenships, not only the first.
    """
    line1 = passport.mrz_line1 if passport else ""
    line2 = passport.mrz_line2 if passport else ""
    if not (line1 or line2):
        return MrzCheck(False, False, "", (), ())
    if not is_mrz_like(line1, line2):
        return MrzCheck(True, False, "", (), ())
    result: MrzResult = check_mrz(line1, line2)
    zone_errors = tuple(_problem(e.field.value, e.code) for e in result.errors)
    fields = result.fields
    typed: dict[str, Any] = {
        "surname": person.surname,
        "given_names": person.given_names,
        "document_number": passport.number if passport else "",
        "birth_date": person.birth_date,
        "sex": person.sex or None,
        "expiry_date": passport.expiry_date if passport else None,
    }
    mismatches = [
        _problem(
            e.field.value,
            e.code,
            zone=getattr(fields, e.field.value, None),
            typed=typed.get(e.field.value),
        )
        for e in cross_check(result, **{k: v for k, v in typed.items() if v not in (None, "")})
    ]
    citizenships = list(person.citizenships or [])
    if citizenships and all(cross_check(result, nationality=code) for code in citizenships):
        mismatches.append(
            _problem(
                "nationality",
                MrzErrorCode.NATIONALITY_MISMATCH,
                zone=fields.nationality,
                typed=", ".join(citizenships),
            )
        )
    return MrzCheck(
        True, True, result.type.value if result.type else "", zone_errors, tuple(mismatches)
    )


@dataclass(frozen=True)
class ApplicantView:
    person: Person
    passport: Passport | None
    citizenships: tuple[str, ...]  # names in the reader's language
    residence: str
    issuing_state: str
    sex: str


def _applicant(case: Case, language: str) -> ApplicantView | None:
    person = (
        Person.objects.select_related("passport")
        .filter(case=case, role=Person.Role.APPLICANT)
        .first()
    )
    if person is None:
        return None
    try:
        passport: Passport | None = person.passport
    except Passport.DoesNotExist:
        passport = None
    return ApplicantView(
        person=person,
        passport=passport,
        citizenships=tuple(nationality_label(code, language) for code in person.citizenships or []),
        residence=nationality_label(person.residence, language) if person.residence else "",
        issuing_state=(
            nationality_label(passport.issuing_state, language)
            if passport and passport.issuing_state
            else ""
        ),
        sex=str(person.get_sex_display()) if person.sex else "",
    )


# Rules -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownReason:
    code: str
    message: str
    reference: LegalReference | None


@dataclass(frozen=True)
class ShownParameter:
    name: str
    label: str
    value: str
    valid_from: date | None
    reference: LegalReference | None


@dataclass(frozen=True)
class ShownEvaluation:
    outcome: str
    outcome_label: str
    stage_title: str
    on_date: date | None
    reasons: tuple[ShownReason, ...]
    parameters: tuple[ShownParameter, ...]
    key: tuple[Any, ...]  # what decides whether two evaluations give the same result


@dataclass(frozen=True)
class RulesView:
    at_submission: ShownEvaluation | None
    today: ShownEvaluation | None
    today_failed: bool  # today's rules could not be applied to the stored facts

    @property
    def differs(self) -> bool:
        return (
            self.at_submission is not None
            and self.today is not None
            and self.at_submission.key != self.today.key
        )


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _reference(data: Any) -> LegalReference | None:
    if not isinstance(data, dict) or not data.get("act"):
        return None
    return LegalReference(
        act=data["act"],
        date=_date(data.get("date")),
        article=data.get("article"),
        url=data.get("url"),
        interpretation=data.get("interpretation"),
    )


def _parameter_text(programme: Programme, name: str, value: Any, language: str) -> str:
    parameter = programme.parameters.get(name)
    if parameter is None:
        return str(value)
    if parameter.type == ParameterType.DATE and isinstance(value, str):
        value = _date(value) or value
    try:
        return show_value(programme, parameter.type, value, language).text
    except (KeyError, TypeError, ValueError, AttributeError, StopIteration):
        return str(value)  # a value stored under an older shape of the parameter


def shown_evaluation(
    programme: Programme, record: dict[str, Any], language: str
) -> ShownEvaluation:
    """An evaluation as ``Evaluation.to_record()`` stored it, in the reader's language."""

    reasons = []
    for reason in record.get("reasons", []):
        code = reason.get("code", "")
        params = reason.get("params") or {}
        message = render(code, params, language) if code in MESSAGES else code
        reasons.append(ShownReason(code, message, _reference(reason.get("reference"))))
    parameters = []
    for name, used in (record.get("parameters") or {}).items():
        description = programme.parameters[name].description if name in programme.parameters else ""
        parameters.append(
            ShownParameter(
                name=name,
                label=parameter_label(name, description),
                value=_parameter_text(programme, name, used.get("value"), language),
                valid_from=_date(used.get("valid_from")),
                reference=_reference(used.get("reference")),
            )
        )
    stage_id = record.get("stage", "")
    try:
        stage_title = programme.localised(programme.stage(stage_id).title, language)
    except KeyError:
        stage_title = stage_id
    outcome = record.get("outcome", "")
    return ShownEvaluation(
        outcome=outcome,
        outcome_label=str(OUTCOME_LABELS.get(outcome, outcome)),
        stage_title=stage_title,
        on_date=_date(record.get("date")),
        reasons=tuple(reasons),
        parameters=tuple(parameters),
        key=(
            outcome,
            tuple(
                (r.get("code"), repr(sorted((r.get("params") or {}).items())))
                for r in record.get("reasons", [])
            ),
        ),
    )


def _rules(
    programme: Programme, case: Case, person: Person | None, today: date, language: str
) -> RulesView:

    stored = (
        shown_evaluation(programme, case.evaluation, language)
        if isinstance(case.evaluation, dict)
        else None
    )
    if person is None or case.status == DRAFT:
        return RulesView(stored, None, False)
    try:
        facts = Facts.from_codes(person.citizenships or [], person.residence or None)
        result = evaluate(programme, facts, today, case.stage)
    except (RulesInputError, UnknownNationalityCode):
        return RulesView(stored, None, True)
    return RulesView(stored, shown_evaluation(programme, result.to_record(), language), False)


# Possible duplicates -----------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateView:
    name: str
    birth_date: date | None
    reference: str
    status_label: str
    score: int
    reasons: tuple[str, ...]
    url: str  # "" when the official may not open that case


def _duplicates(user: User, person: Person | None, language: str) -> list[DuplicateView]:
    if person is None:
        return []
    # Drafts are the applicant's alone until submitted: never shown to officials.
    candidates = [
        candidate
        for candidate in duplicate_candidates_for(person, limit=10)
        if candidate.person.case.status != DRAFT
    ]
    may_open = officer_case_ids(user, [candidate.person.case for candidate in candidates])
    views = []
    for candidate in candidates:
        other = candidate.person
        views.append(
            DuplicateView(
                name=" ".join(part for part in (other.given_names, other.surname) if part),
                birth_date=other.birth_date,
                reference=other.case.reference or "",
                status_label=state_label(_state(other.case)),
                score=candidate.score,
                reasons=tuple(reason.text for reason in candidate.reasons),
                url=(
                    reverse("work:case", args=[other.case.public_id])
                    if other.case.pk in may_open
                    else ""
                ),
            )
        )
    return views


# History -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    event: CaseEvent
    label: str
    actor: str
    status_label: str
    internal: bool


@dataclass(frozen=True)
class ShownGround:
    code: str
    title: str
    article: str
    act: str


@dataclass(frozen=True)
class DecisionView:
    decision: Decision
    stage_title: str
    outcome_label: str
    decided_by: str
    grounds: tuple[ShownGround, ...]


def _actor(case: Case, event: CaseEvent) -> str:
    user = event.actor
    if user is None:
        if str(event.details.get("source", "")).startswith("border:"):
            return _("Border control")
        return _("Haven (automatic)")
    if user.pk == case.applicant_id:
        return _("The applicant")
    return user_name(user)


# Checklist and issued documents ------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    checked: DocumentCheck | None
    checked_by: str


def case_checklist(case: Case, programme: Programme, today: date) -> tuple[ChecklistItem, ...]:
    """The documents the current stage's officer ticks off, each with who ticked it (one query)."""

    codes = checklist_codes(programme, case.stage, today)
    if not codes:
        return ()
    checks = {
        check.code: check
        for check in DocumentCheck.objects.filter(case=case, stage=case.stage).select_related(
            "checked_by"
        )
    }
    return tuple(
        ChecklistItem(
            code=code,
            label=code_label(code),
            checked=checks.get(code),
            checked_by=user_name(checks[code].checked_by) if code in checks else "",
        )
        for code in codes
    )


@dataclass(frozen=True)
class IssuedRow:
    document: Any  # haven.issuance.models.IssuedDocument
    kind_label: str
    validity_label: str
    region_name: str
    pdf_url: str  # "" when the official may not download it
    schedule: list[Any]  # a permit's annual notifications (ScheduledNotification)
    can_record: bool  # whether this official records those notifications


def _issued(user: User, programme: Programme, case: Case, today: date) -> list[IssuedRow]:
    authorities = officer_authorities(user)
    rows = []
    documents = (
        IssuedDocument.objects.filter(case=case)
        .select_related("case", "decision")
        .prefetch_related("notifications")
        .order_by("issued_on", "pk")
    )
    for document in documents:
        handlers = {
            programme.stage(document.decision.stage).authority,
            programme.stage(case.stage).authority,
        }
        rows.append(
            IssuedRow(
                document=document,
                kind_label=str(document.get_kind_display()),
                validity_label=str(VALIDITY_LABELS[validity_on(document, today)]),
                region_name=region_name(document.region) if document.region else "",
                pdf_url=(
                    reverse("issuance:pdf", args=[document.public_id])
                    if authorities & handlers
                    else ""
                ),
                schedule=notification_schedule(document, today),
                can_record=can_record_notifications(user, document),
            )
        )
    return rows


# The page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CasePage:
    case: Case
    queue_url: str
    programme_title: str
    stage_title: str
    state: str
    status_label: str
    authority: str
    awaiting: bool
    overdue_days: int  # 0 unless the deadline has passed while the case waits
    may_act: bool  # the official's authority handles the current stage
    assignee: str
    assigned_to_me: bool
    actions: tuple[ActionLink, ...]
    applicant: ApplicantView | None
    mrz: MrzCheck
    documents: tuple[Any, ...]  # haven.documents.models.Document
    rules: RulesView
    duplicates: tuple[DuplicateView, ...]
    history: tuple[HistoryEntry, ...]
    decisions: tuple[DecisionView, ...]
    requests: tuple[InformationRequest, ...]
    notes: tuple[tuple[CaseNote, str], ...]  # (note, author's name)
    checklist: tuple[ChecklistItem, ...]
    checklist_editable: bool
    issued: tuple[IssuedRow, ...]


def case_page_for_officer(user: User, case: Case, *, language: str, today: date) -> CasePage:
    """Everything the official's case page shows. The caller has checked access."""

    programme = programme_get(case.programme)
    stage = programme.stage(case.stage)
    state = _state(case)
    # The official's authority handles the current stage: the policy's casework party.
    may_act = may_act_as(user, Action.ADD_NOTE, case, programme)
    awaiting = state in AWAITING_DECISION
    overdue_days = (
        (today - case.deadline).days if awaiting and case.deadline and case.deadline < today else 0
    )
    applicant = _applicant(case, language)
    person = applicant.person if applicant else None
    actions = tuple(
        ActionLink(
            action=action.value,
            label=str(OFFICER_ACTIONS[action][1]),
            url=reverse(OFFICER_ACTIONS[action][0], args=[case.public_id]),
        )
        for action in officer_actions(user, programme, case)
    )
    history = tuple(
        HistoryEntry(
            event=event,
            label=str(event.get_type_display()),
            actor=_actor(case, event),
            status_label=status_code_label(programme, event.to_status, language),
            internal=not event.visible_to_applicant,
        )
        for event in case.events.select_related("actor").order_by("-occurred_at", "-pk")
    )
    decisions = tuple(
        DecisionView(
            decision=decision,
            stage_title=stage_title(programme, decision.stage, language),
            outcome_label=str(decision.get_outcome_display()),
            decided_by=user_name(decision.decided_by),
            grounds=tuple(
                ShownGround(
                    code=ground.get("code", ""),
                    title=programme.localised(ground["title"], language)
                    if isinstance(ground.get("title"), dict)
                    else str(ground.get("title", "")),
                    article=ground.get("article", ""),
                    act=ground.get("act", ""),
                )
                for ground in decision.grounds or []
            ),
        )
        for decision in Decision.objects.filter(case=case)
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")
    )
    requests = tuple(
        case.information_requests.select_related("requested_by", "answered_by").order_by(
            "-requested_at", "-pk"
        )
    )
    notes = tuple(
        (note, user_name(note.author))
        for note in case.notes.select_related("author").order_by("-created_at", "-pk")
    )
    checklist = case_checklist(case, programme, today)
    mine = sorted(officer_authorities(user))
    queue_authority = stage.authority if stage.authority in mine else (mine or [""])[0]
    return CasePage(
        case=case,
        queue_url=reverse(queue_name)
        if (queue_name := authority_get(queue_authority).queue_url_name)
        else "",
        programme_title=programme.localised(programme.title, language),
        stage_title=programme.localised(stage.title, language),
        state=state,
        status_label=state_label(state),
        authority=authority_label(stage.authority),
        awaiting=awaiting,
        overdue_days=overdue_days,
        may_act=may_act,
        assignee=user_name(case.assignee) if case.assignee_id else "",
        assigned_to_me=case.assignee_id == user.pk,
        actions=actions,
        applicant=applicant,
        mrz=mrz_check(person, applicant.passport)
        if person and applicant
        else MrzCheck(False, False, "", (), ()),
        documents=tuple(document_list_for_case(case)),
        rules=_rules(programme, case, person, today, language),
        duplicates=tuple(_duplicates(user, person, language)),
        history=history,
        decisions=decisions,
        requests=requests,
        notes=notes,
        checklist=checklist,
        checklist_editable=may_act and state == StageState.IN_REVIEW,
        issued=tuple(_issued(user, programme, case, today)),
    )
