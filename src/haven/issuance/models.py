"""Visas and permits issued on a decision, and what their holders must do with them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case, Decision


class IssuedDocument(models.Model):
    """A visa or permit issued on an approval.

    ``number`` is unique per kind and printed on the document;
    ``verification_token`` is the secret half of the QR code's address, so a
    number alone never reveals anything on the public verification page.
    """

    class Kind(models.TextChoices):
        VISA = "visa", _("Visa")
        TRP = "trp", _("Temporary residence permit")
        RESIDENCE_PERMIT = "residence_permit", _("Residence permit")

    # In URLs instead of the row id or the number, which are guessable.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=16)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="issued_documents")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="issued")
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    entries = models.PositiveSmallIntegerField(_("entries"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=8, blank=True)  # ISO 3166-2:RU, permits
    mrz_line1 = models.CharField(max_length=44, blank=True)
    mrz_line2 = models.CharField(max_length=44, blank=True)
    holder_initials = models.CharField(max_length=8)
    verification_token = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    used_on = models.DateField(_("used for entry on"), null=True, blank=True)
    expired_unused_on = models.DateField(_("expired unused on"), null=True, blank=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="issued_number_unique")
        ]
        indexes = [models.Index(fields=["kind", "valid_until"], name="issued_kind_valid_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class IssuedNumberCounter(models.Model):
    """The last number given out per kind and year."""

    kind = models.CharField(max_length=32)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="issued_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class PermitNotification(models.Model):
    """One annual notification a permit holder owes the migration authority.

    Due within the programme's window after each anniversary of the permit;
    ``made_on`` is recorded by an officer when the notification is received.
    """

    document = models.ForeignKey(
        IssuedDocument, on_delete=models.CASCADE, related_name="notifications"
    )
    year = models.PositiveSmallIntegerField()  # 1 for the first anniversary
    window_opens = models.DateField()
    window_closes = models.DateField()
    made_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["document", "year"], name="notification_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} year {self.year}"
