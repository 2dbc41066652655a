from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.vocabulary import document_label

# The file name extension Haven gives each accepted type (decided by content, never by name).
EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/pdf": "pdf",
}


class Document(models.Model):
    """One file an applicant uploaded to a case, as Haven stored it after checking it.

    ``kind`` is the programme's code for the document (``passport_scan``,
    ``photo``, ...; see ``haven.cases.vocabulary``). The stored file has a
    name Haven made up; the browser's file name is kept only to show it back
    on the receipt. Removal keeps the row (the audit trail points at it) and
    deletes the stored file. When the case's personal data is deleted after its
    retention period (``haven.casework.retention``) the file goes too and the
    row keeps only what is not about the person: ``storage_name`` becomes NULL
    and ``original_name`` blank. Rows are written only by
    ``haven.documents.actions``.
    """

    # In URLs instead of the row id, so nobody can count or walk documents.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=64)
    original_name = models.CharField(_("file name as uploaded"), max_length=200, blank=True)
    # NULL once the file is deleted with the case's personal data (unique among the others).
    storage_name = models.CharField(max_length=255, unique=True, null=True)  # noqa: DJ001
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    width = models.PositiveIntegerField(_("width in pixels"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height in pixels"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["case", "received_at"], name="document_case_idx")]

    def __str__(self) -> str:
        return f"document {self.pk} ({self.kind})"

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "bin")

    @property
    def kind_label(self) -> str:
        """The document's name in the reader's language (the code itself when unknown)."""

        return document_label(self.kind)

    @property
    def download_name(self) -> str:
        """The name the file gets when downloaded: made by Haven, never the uploaded one."""

        return f"{self.kind}-{timezone.localtime(self.received_at):%Y%m%d}.{self.extension}"
