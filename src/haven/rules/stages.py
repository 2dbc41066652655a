"""A programme's stages: what each kind of stage and each issued document needs.

A programme is a row of stages (``stages`` in its ``programme.yaml``). Each
stage has a *kind*, which says how a case passes through it, and may *issue* a
document when it is granted. Kind and document decide which parameters the
programme's ``parameters.yaml`` must define, and of which type; their names are
built from the stage's id or the document's kind, here and nowhere else. The
loader refuses a programme that lacks one (``stage_requirements``), so a
missing parameter fails when Haven starts, not when an officer approves a case.

Stage kinds (``StageKind``):

- ``decision``: an authority grants, refuses or asks for information. Needs
  ``<id>_decision_deadline`` (a duration, counted from the day the stage
  begins) and ``<id>_refusal_grounds`` (grounds, which an officer picks from to
  refuse). A decision stage that opens the programme, where the applicant
  applies, also needs ``<id>_documents`` (a code list, possibly empty): what
  the applicant uploads.
- ``event`` (waiting for an event), ``commission`` (a commission reviews the
  case) and ``external_check`` (a body outside Haven checks the applicant):
  Haven runs no casework for them yet, so they need nothing; the work that
  builds them adds what they need here.

Issued documents (``IssuedKind``), needed on top of what the stage's kind needs:

- nothing (``""``, the default): nothing.
- ``visa``: used to enter the country. Its grant waits for the entry, which
  opens the next stage, or for the visa to expire unused. Needs
  ``visa_validity`` (a duration) and ``visa_entries`` (an integer).
- ``trp`` and ``residence_permit``: permits. The officer ticks off a checklist
  of documents and names the region the permit is for, and the holder
  notifies the migration authority after each anniversary. Needs
  ``<kind>_validity`` and ``<kind>_notification_window`` (durations) and the
  stage's checklist, ``<id>_documents`` (a code list).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from haven.rules.parameters import ParameterType


class StageKind(enum.StrEnum):
    DECISION = "decision"  # an authority decides; the only kind with casework so far
    EVENT = "event"  # the case waits for an event
    COMMISSION = "commission"  # a commission reviews the case
    EXTERNAL_CHECK = "external_check"  # a body outside Haven checks the applicant


class IssuedKind(enum.StrEnum):
    NOTHING = ""
    VISA = "visa"
    TRP = "trp"  # temporary residence permit
    RESIDENCE_PERMIT = "residence_permit"

    @property
    def used_to_enter(self) -> bool:
        """Entering the country uses it: the grant waits for the entry or the expiry."""
        return self is IssuedKind.VISA

    @property
    def is_permit(self) -> bool:
        """A permit to live in the country: a region, a checklist, yearly notifications."""
        return self in (IssuedKind.TRP, IssuedKind.RESIDENCE_PERMIT)

    @property
    def validity_parameter(self) -> str | None:
        """How long the document is valid (a duration); None when nothing is issued."""
        return f"{self.value}_validity" if self is not IssuedKind.NOTHING else None

    @property
    def notification_window_parameter(self) -> str | None:
        """For a permit: how long after each anniversary the holder has to notify."""
        return f"{self.value}_notification_window" if self.is_permit else None

    @property
    def entries_parameter(self) -> str | None:
        """For a visa: how many entries it allows."""
        return "visa_entries" if self.used_to_enter else None

    @property
    def parameter_types(self) -> dict[str, ParameterType]:
        """Every parameter issuing this document reads, with the type it must have."""
        needed: dict[str, ParameterType] = {}
        if self.validity_parameter is not None:
            needed[self.validity_parameter] = ParameterType.DURATION
        if self.entries_parameter is not None:
            needed[self.entries_parameter] = ParameterType.INTEGER
        if self.notification_window_parameter is not None:
            needed[self.notification_window_parameter] = ParameterType.DURATION
        return needed

    @property
    def required_parameters(self) -> tuple[str, ...]:
        """Every parameter issuing this document reads."""
        return tuple(self.parameter_types)


@dataclass(frozen=True)
class Stage:
    id: str
    kind: StageKind
    authority: str  # who acts at this stage, e.g. "consulate", "migration"
    title: dict[str, str] = field(hash=False)  # by language
    issues: IssuedKind = IssuedKind.NOTHING  # what a grant at this stage issues

    @property
    def decision_deadline_parameter(self) -> str:
        return f"{self.id}_decision_deadline"

    @property
    def documents_parameter(self) -> str:
        """What the applicant uploads (first stage), or the officer's checklist (a permit)."""
        return f"{self.id}_documents"

    @property
    def refusal_grounds_parameter(self) -> str:
        return f"{self.id}_refusal_grounds"

    @property
    def parameter_types(self) -> dict[str, ParameterType]:
        """Every parameter this stage's kind and issued document need, with its type."""
        needed: dict[str, ParameterType] = {}
        if self.kind == StageKind.DECISION:
            needed[self.decision_deadline_parameter] = ParameterType.DURATION
            needed[self.refusal_grounds_parameter] = ParameterType.GROUNDS
        if self.issues.is_permit:
            needed[self.documents_parameter] = ParameterType.CODE_LIST
        return needed | self.issues.parameter_types

    @property
    def required_parameters(self) -> tuple[str, ...]:
        """Every parameter this stage's kind and issued document need, wherever it stands."""
        return tuple(self.parameter_types)

    @property
    def opening_parameters(self) -> tuple[str, ...]:
        """What it needs besides when it opens the programme: what the applicant uploads."""
        if self.kind != StageKind.DECISION or self.documents_parameter in self.parameter_types:
            return ()
        return (self.documents_parameter,)

    def describe(self) -> str:
        """The stage in a few words, for messages: ``stage 'visa' (decision, issues visa)``."""
        issued = f", issues {self.issues}" if self.issues else ""
        return f"stage {self.id!r} ({self.kind}{issued})"


@dataclass(frozen=True)
class Requirement:
    """A parameter a programme must define because of one of its stages."""

    parameter: str
    type: ParameterType
    stage: Stage
    opening: bool = False  # needed because the stage opens the programme

    def reason(self) -> str:
        """Why, for messages: ``required by stage 'visa' (decision, issues visa)``."""
        opening = ", which opens the programme (what the applicant uploads)" if self.opening else ""
        return f"required by {self.stage.describe()}{opening}"


def stage_requirements(stages: Sequence[Stage]) -> dict[str, Requirement]:
    """Every parameter a programme with these stages needs, for the first stage needing it."""
    needed: dict[str, Requirement] = {}
    for index, stage in enumerate(stages):
        for name, kind in stage.parameter_types.items():
            needed.setdefault(name, Requirement(name, kind, stage))
        for name in stage.opening_parameters if index == 0 else ():
            needed.setdefault(name, Requirement(name, ParameterType.CODE_LIST, stage, opening=True))
    return needed
