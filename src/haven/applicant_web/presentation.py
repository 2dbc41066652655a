"""How cases read to people: status labels, the task list, the answers to check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.cases.completeness import SECTION_TITLES, Missing, Section
from haven.cases.models import Case
from haven.cases.states import state_or_withdrawn
from haven.cases.transitions import DRAFT, WITHDRAWN, StageState
from haven.people.models import Passport, Person
from haven.rules.programme import Programme

STATE_LABELS: dict[str, Promise] = {
    StageState.SUBMITTED: gettext_lazy("submitted, waiting for review"),
    StageState.IN_REVIEW: gettext_lazy("in review"),
    StageState.INFO_REQUESTED: gettext_lazy("information requested from you"),
    StageState.GRANTED: gettext_lazy("granted"),
    StageState.REFUSED: gettext_lazy("refused"),
}


def status_label(programme: Programme, case: Case, language: str) -> str:
    if case.status == DRAFT:
        return _("Draft: not submitted")
    if case.status == WITHDRAWN:
        return _("Withdrawn")
    stage = programme.stage(case.stage)
    state = state_or_withdrawn(case)
    label = STATE_LABELS.get(state, state)
    return f"{programme.localised(stage.title, language)}: {label}"


@dataclass(frozen=True)
class Task:
    section: Section
    title: str
    state: str  # not_started | in_progress | completed
    state_label: str


def task_list(missing: list[Missing], started: set[Section]) -> list[Task]:
    labels = {
        "not_started": _("Not started"),
        "in_progress": _("In progress"),
        "completed": _("Completed"),
    }
    tasks = []
    for section in Section:
        open_items = [m for m in missing if m.section == section]
        if not open_items:
            state = "completed"
        elif section in started:
            state = "in_progress"
        else:
            state = "not_started"
        tasks.append(Task(section, str(SECTION_TITLES[section]), state, labels[state]))
    return tasks


def started_sections(person: Person, passport: Passport, case: Case) -> set[Section]:
    started = set()
    if person.surname or person.given_names or person.birth_date:
        started.add(Section.ABOUT_YOU)
    if passport.number or passport.mrz_line1:
        started.add(Section.PASSPORT)
    if hasattr(case, "declaration"):
        started.add(Section.DECLARATION)
    return started


def days_until(deadline: date | None, today: date) -> int | None:
    return (deadline - today).days if deadline else None
