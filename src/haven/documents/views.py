from __future__ import annotations

import uuid

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from haven.accounts.access import AuthenticatedRequest, require_signed_in
from haven.documents.actions import document_record_viewed
from haven.documents.models import Document
from haven.documents.selectors import access_document

# The file is never shown as a page of this site: a browser that renders it anyway
# (an old one, a built-in PDF viewer) runs it in a sandbox where nothing is allowed.
DOWNLOAD_CSP = "sandbox; default-src 'none'"


@require_GET
@require_signed_in
def download(request: AuthenticatedRequest, public_id: uuid.UUID) -> FileResponse:
    """The stored file, as an attachment, for its applicant or an official.

    Every download is recorded in the audit trail, the applicant's own too.
    """
    try:
        document = access_document(request.user, public_id)
    except Document.DoesNotExist as error:
        raise Http404 from error
    if document.storage_name is None:  # deleted with the case's personal data
        raise Http404
    try:
        stored = default_storage.open(document.storage_name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    document_record_viewed(actor=request.user, document=document)
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, no_store=True, private=True)
    return response
