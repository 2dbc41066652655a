"""An applicant's complete draft, made through Haven's own actions and forms."""

from __future__ import annotations

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from haven.accounts.models import User
from haven.cases.models import Case
from haven.casework import applicant_actions
from haven.people.mrz import make_td3

PERSON = {
    "surname": "Schmidt",
    "given_names": "Anna Maria",
    "native_surname": "",
    "native_given_names": "",
    "birth_date": date(1985, 3, 21),
    "birth_place": "Leipzig",
    "sex": "F",
    "citizenships": ["DE"],
    "residence": "DE",
    "address": "Hauptstraße 1\n04109 Leipzig",
    "phone": "+49 341 1234567",
    "email": "anna@example.org",
}
PASSPORT_EXPIRY = date(2033, 5, 31)
MRZ = make_td3(
    document_number="C01X00T47",
    issuing_state="D",
    surname="SCHMIDT",
    given_names="ANNA MARIA",
    nationality="D",
    birth_date=date(1985, 3, 21),
    sex="F",
    expiry_date=PASSPORT_EXPIRY,
)
PASSPORT = {
    "number": "C01X00T47",
    "issuing_state": "DE",
    "issue_date": date(2023, 6, 1),
    "expiry_date": PASSPORT_EXPIRY,
    "mrz_line1": MRZ[0],
    "mrz_line2": MRZ[1],
}


def image_upload(
    name: str = "scan.png", colour: str = "navy", size: tuple[int, int] = (60, 40)
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def complete_draft(applicant: User, *, upload: bool = True) -> Case:
    from haven.documents.actions import document_upload

    case = applicant_actions.case_start(applicant=applicant, programme_id="shared-values")
    applicant_actions.case_update_person(actor=applicant, case=case, data=PERSON)
    applicant_actions.case_update_passport(actor=applicant, case=case, data=PASSPORT)
    applicant_actions.case_sign_declaration(
        actor=applicant, case=case, full_name="Anna Maria Schmidt", statement="", language="en"
    )
    if upload:
        for kind in ("passport_scan", "photo"):
            document_upload(
                actor=applicant,
                case=case,
                kind=kind,
                uploaded_file=image_upload(f"{kind}.png"),
                allowed_kinds=("passport_scan", "photo"),
            )
    return case
