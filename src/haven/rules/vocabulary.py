"""Words for the codes in the programmes' data, in the reader's language.

The YAML files name parameters, stages' authorities and listed requirements by
stable codes; these dictionaries give each code its label. A code without a
label is shown as it is, never hidden.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

STATUS_LABELS: dict[str, Promise] = {
    "in_force": _("In force"),
    "draft": _("Draft law"),
}

OUTCOME_LABELS: dict[str, Promise] = {
    "eligible": _("You can apply"),
    "ineligible": _("You cannot apply under this programme"),
    "undetermined": _("We cannot tell yet"),
}

PARAMETER_LABELS: dict[str, Promise] = {
    "applications_open": _("Applications accepted"),
    "designated_states": _("List of designated states and territories"),
    "excluded_citizenships": _("Citizenships that exclude an applicant"),
    "dual_nationality_qualifies": _("A further, unlisted citizenship is accepted"),
    "counted_nationality_classes": _(
        "Classes of British nationality counted as the United Kingdom"
    ),
    "residence_route_kinds": _("Documents without a citizenship that qualify through residence"),
    "residence_route_stages": _("Stages at which permanent residence qualifies"),
    "waived_requirements": _("Requirements waived"),
    "visa_validity": _("Entry visa valid for"),
    "visa_entries": _("Entries the visa allows"),
    "trp_validity": _("Temporary residence permit valid for"),
    "trp_decision_deadline": _("Decision on the temporary residence permit within"),
    "trp_state_fee": _("State fee for the temporary residence permit"),
    "trp_notification_window": _("Yearly notification to the migration authority within"),
    "qualifying_states": _("States whose prosecutions qualify"),
    "qualifying_offences": _("Foreign criminal provisions that qualify"),
    "commission_review_required": _("A commission reviews every case"),
    "permit_kind": _("What the programme grants"),
    "processing_time": _("Total processing time"),
    "family_members_included": _("Family members included"),
    "visa_documents": _("Documents the visa application must include"),
    "passport_minimum_validity": _("The passport must remain valid for at least"),
    "declaration_text": _("The declaration the applicant signs"),
    "visa_decision_deadline": _("Decision on the visa within"),
    "visa_refusal_grounds": _("Grounds on which the visa may be refused"),
    "trp_refusal_grounds": _("Grounds on which the temporary residence permit may be refused"),
    "trp_documents": _("Documents for the temporary residence permit"),
    "residence_permit_decision_deadline": _("Decision on the residence permit within"),
    "residence_permit_refusal_grounds": _("Grounds on which the residence permit may be refused"),
    "residence_permit_documents": _("Documents for the residence permit"),
    "residence_permit_validity": _("Residence permit (open-ended) recorded in Haven as valid for"),
    "residence_permit_notification_window": _(
        "Yearly notification to the migration authority within"
    ),
    "permit_decision_deadline": _("Decision on the permit within"),
    "permit_refusal_grounds": _("Grounds on which the permit may be refused"),
    "personal_data_retention": _("Personal data kept after a case closes for"),
}

# What the start page shows under "How long it takes and what it costs", in this order.
TIME_AND_COST_PARAMETERS = (
    "visa_validity",
    "trp_validity",
    "trp_decision_deadline",
    "processing_time",
    "trp_state_fee",
)

# The list of states that decides who can apply, per rule set, with its heading.
ELIGIBILITY_LISTS: dict[str, str] = {
    "designated-states": "designated_states",
    "persecution": "qualifying_states",
}

CODE_LABELS: dict[str, Promise] = {
    # Requirements of the ordinary procedure a programme waives.
    "quota": _("The yearly quota for temporary residence permits"),
    "language_certificate": _("The certificate of Russian language, history and law"),
    # Documents without a citizenship.
    "stateless": _("Stateless persons (XXA)"),
    "refugee": _("Refugees with a refugee travel document (XXB, XXC)"),
    # What a programme grants.
    "trp": _("Temporary residence permit"),
    "residence_permit": _("Residence permit"),
    # Documents an application must include.
    "passport_scan": _("Passport: the page with your photo"),
    "photo": _("Photo of your face"),
    # Documents the migration officer checks for the permit.
    "application_form": _("Application form for the permit"),
    "passport_translation": _("Passport with a notarised translation into Russian"),
    "photos": _("Two photos"),
    "migration_card": _("Migration card stamped at entry"),
    "registration": _("Registration at the place of stay"),
    "criminal_record_certificate": _(
        "Criminal record certificate with apostille, not older than three months"
    ),
    "medical_certificates": _(
        "Medical certificates (HIV, hepatitis, syphilis, tuberculosis, drug addiction)"
    ),
    "fee_receipt": _("Receipt for the state fee"),
    "fingerprint_registration": _("Fingerprint registration"),
    # Classes of British nationality (ICAO 9303).
    "GBD": _("British Overseas Territories citizens (GBD)"),
    "GBN": _("British Nationals (Overseas) (GBN)"),
    "GBO": _("British Overseas citizens (GBO)"),
    "GBP": _("British protected persons (GBP)"),
    "GBS": _("British subjects (GBS)"),
}

AUTHORITY_LABELS: dict[str, Promise] = {
    "consulate": _("An embassy or consulate of the Russian Federation"),
    "migration": _("The migration authority (Ministry of Internal Affairs, MVD)"),
    "operator": _("The operator chosen by the Ministry of Internal Affairs"),
    "police": _("The police"),
    "commission": _("A commission"),
}
# The same authorities as a sentence names them ("Your application goes to ...").
AUTHORITY_NAMES: dict[str, Promise] = {
    "consulate": _("the Russian embassy or consulate"),
    "migration": _("the migration authority of the Ministry of Internal Affairs (MVD)"),
    "commission": _("the commission"),
    "operator": _("the operator chosen by the Ministry of Internal Affairs"),
    "police": _("the police"),
}

# Codes on documents of people without a citizenship (ICAO 9303), as choices.
NATIONALITY_WITHOUT_STATE_LABELS: dict[str, Promise] = {
    "XXA": _("Stateless (XXA)"),
    "XXB": _("Refugee, travel document under the 1951 Convention (XXB)"),
    "XXC": _("Refugee, other travel document (XXC)"),
    "XXX": _("Nationality not stated on the document (XXX)"),
}


def parameter_label(name: str, description: str = "") -> str:
    """The parameter's label, or its (English) description for a parameter without one."""
    label = PARAMETER_LABELS.get(name)
    return str(label) if label is not None else description or name


def code_label(code: str) -> str:
    label = CODE_LABELS.get(code)
    return str(label) if label is not None else code


def authority_label(code: str) -> str:
    label = AUTHORITY_LABELS.get(code)
    return str(label) if label is not None else code


def authority_name(code: str) -> str:
    """The authority as named within a sentence."""
    return str(AUTHORITY_NAMES.get(code, code))
