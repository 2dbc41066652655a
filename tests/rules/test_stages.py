"""What each kind of stage and each issued document needs, named in one place."""

from __future__ import annotations

import pytest

from haven.rules.loader import load_programmes
from haven.rules.parameters import ParameterType
from haven.rules.programme import LANGUAGES
from haven.rules.stages import IssuedKind, Stage, StageKind, stage_requirements

TITLE = dict.fromkeys(LANGUAGES, "A stage")


def stage(
    stage_id: str, kind: StageKind = StageKind.DECISION, issues: IssuedKind = IssuedKind.NOTHING
) -> Stage:
    return Stage(id=stage_id, kind=kind, authority="migration", title=TITLE, issues=issues)


def test_kinds_equal_the_words_of_the_files() -> None:
    assert StageKind.DECISION == "decision"
    assert StageKind.EXTERNAL_CHECK == "external_check"
    assert IssuedKind.NOTHING == ""
    assert IssuedKind.RESIDENCE_PERMIT == "residence_permit"
    assert f"{IssuedKind.TRP}_validity" == "trp_validity"
    assert not IssuedKind.NOTHING
    assert {"visa": 1}[IssuedKind.VISA] == 1


def test_what_each_issued_document_implies() -> None:
    assert [kind for kind in IssuedKind if kind.used_to_enter] == [IssuedKind.VISA]
    assert [kind for kind in IssuedKind if kind.is_permit] == [
        IssuedKind.TRP,
        IssuedKind.RESIDENCE_PERMIT,
    ]
    assert IssuedKind.NOTHING.required_parameters == ()
    assert IssuedKind.VISA.required_parameters == ("visa_validity", "visa_entries")
    assert IssuedKind.TRP.required_parameters == ("trp_validity", "trp_notification_window")
    assert IssuedKind.RESIDENCE_PERMIT.validity_parameter == "residence_permit_validity"
    assert IssuedKind.RESIDENCE_PERMIT.notification_window_parameter == (
        "residence_permit_notification_window"
    )
    assert IssuedKind.VISA.notification_window_parameter is None
    assert IssuedKind.TRP.entries_parameter is None
    assert IssuedKind.NOTHING.validity_parameter is None
    assert IssuedKind.VISA.parameter_types == {
        "visa_validity": ParameterType.DURATION,
        "visa_entries": ParameterType.INTEGER,
    }


def test_a_stage_names_its_parameters_after_its_id() -> None:
    permit = stage("permit", issues=IssuedKind.TRP)
    assert permit.decision_deadline_parameter == "permit_decision_deadline"
    assert permit.documents_parameter == "permit_documents"
    assert permit.refusal_grounds_parameter == "permit_refusal_grounds"


@pytest.mark.parametrize(
    ("kind", "issues", "required"),
    [
        (
            StageKind.DECISION,
            IssuedKind.NOTHING,
            ("s_decision_deadline", "s_refusal_grounds"),
        ),
        (
            StageKind.DECISION,
            IssuedKind.VISA,
            ("s_decision_deadline", "s_refusal_grounds", "visa_validity", "visa_entries"),
        ),
        (
            StageKind.DECISION,
            IssuedKind.RESIDENCE_PERMIT,
            (
                "s_decision_deadline",
                "s_refusal_grounds",
                "s_documents",
                "residence_permit_validity",
                "residence_permit_notification_window",
            ),
        ),
        (StageKind.EVENT, IssuedKind.NOTHING, ()),
        (StageKind.COMMISSION, IssuedKind.NOTHING, ()),
        (StageKind.EXTERNAL_CHECK, IssuedKind.NOTHING, ()),
    ],
)
def test_what_each_stage_requires(
    kind: StageKind, issues: IssuedKind, required: tuple[str, ...]
) -> None:
    assert stage("s", kind, issues).required_parameters == required


def test_the_first_decision_stage_also_needs_what_the_applicant_uploads() -> None:
    visa = stage("visa", issues=IssuedKind.VISA)
    trp = stage("trp", issues=IssuedKind.TRP)
    assert visa.opening_parameters == ("visa_documents",)
    assert trp.opening_parameters == ()  # its checklist is required anyway
    assert stage("check", StageKind.EXTERNAL_CHECK).opening_parameters == ()
    needed = stage_requirements([visa, trp])
    assert needed["visa_documents"].opening
    assert needed["visa_documents"].type == ParameterType.CODE_LIST
    assert not needed["trp_documents"].opening
    assert "visa_documents" not in stage_requirements([trp, visa])


def test_a_requirement_says_which_stage_needs_it() -> None:
    needed = stage_requirements([stage("visa", issues=IssuedKind.VISA), stage("decide")])
    assert needed["visa_entries"].reason() == "required by stage 'visa' (decision, issues visa)"
    assert needed["decide_refusal_grounds"].reason() == "required by stage 'decide' (decision)"
    assert needed["visa_documents"].reason() == (
        "required by stage 'visa' (decision, issues visa), "
        "which opens the programme (what the applicant uploads)"
    )


def test_stages_are_hashable_values() -> None:
    assert hash(stage("visa")) == hash(stage("visa"))
    assert stage("visa") == stage("visa")
    assert {stage("visa"), stage("visa"), stage("trp")} == {stage("visa"), stage("trp")}


def test_the_shipped_stages_are_typed() -> None:
    stages = {s.id: s for p in load_programmes().values() for s in p.stages}
    assert stages["visa"].kind is StageKind.DECISION
    assert stages["visa"].issues is IssuedKind.VISA
    assert stages["trp"].issues is IssuedKind.TRP
    assert stages["operator_check"].kind is StageKind.EXTERNAL_CHECK
    assert stages["commission"].kind is StageKind.COMMISSION
    assert stages["permit"].issues is IssuedKind.NOTHING
