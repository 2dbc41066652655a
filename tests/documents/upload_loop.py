"""Upload files to one draft case in a loop, printing each document's id once it is committed.

Not a test: ``test_actions_killed.py`` runs it in a process of its own and kills that
process with SIGKILL at a random moment. Run as ``python upload_loop.py CASE_ID USER_ID``
with the test's HAVEN_ENV, DATABASE_URL and MEDIA_ROOT. It prints ``ready`` once Django is
set up, then one id per line; it stops by itself after ``UPLOADS`` uploads.
"""

from __future__ import annotations

import io
import os
import sys

import django

UPLOADS = 2_000


def main(case_id: int, user_id: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    django.setup()
    # Haven's models can be imported only once Django is set up.
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from haven.accounts.models import User
    from haven.cases.models import Case
    from haven.documents.actions import document_upload

    case = Case.objects.get(pk=case_id)
    applicant = User.objects.get(pk=user_id)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for number in range(UPLOADS):
        picture = io.BytesIO()
        # A different picture each time, so each stored file has its own fingerprint.
        Image.new("RGB", (64, 48), (number % 256, number // 256 % 256, 90)).save(picture, "PNG")
        document = document_upload(
            actor=applicant,
            case=case,
            kind="passport_scan",
            uploaded_file=SimpleUploadedFile("scan.png", picture.getvalue()),
            allowed_kinds=("passport_scan",),
        )
        # One write of a short line: a kill cannot cut it in half.
        sys.stdout.write(f"{document.pk}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
