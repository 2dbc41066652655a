"""Border crossings reported by border control's systems, and the clients that report them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case
from haven.issuance.models import IssuedDocument


class IntegrationClient(models.Model):
    """A system that reports movements through the API with a bearer token.

    Only the token's SHA-256 is stored (the token has 256 random bits, so a
    fast hash suffices), with its first characters to tell tokens apart in
    listings. The token itself is shown once, when the client is created.
    """

    name = models.CharField(_("name"), max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(_("token begins with"), max_length=16, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("integration client")
        verbose_name_plural = _("integration clients")

    def __str__(self) -> str:
        return self.name


class Movement(models.Model):
    """One crossing of the border, as border control recorded it.

    ``event_id`` is the client's own id for the crossing: unique per client, so
    a report sent twice is stored once. ``payload_hash`` is the SHA-256 of the
    report's content, to tell a harmless repeat from an id reused for another
    crossing. A crossing is kept even when its document is unknown to Haven:
    it happened.
    """

    class Kind(models.TextChoices):
        ENTRY = "entry", _("Entry")
        EXIT = "exit", _("Exit")

    client = models.ForeignKey(
        IntegrationClient, on_delete=models.PROTECT, related_name="movements"
    )
    event_id = models.CharField(_("client's event id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("crossed at"))
    # The kind of the matched document; empty when no issued document has the number.
    document_kind = models.CharField(
        _("document kind"), max_length=32, choices=IssuedDocument.Kind.choices, blank=True
    )
    document_number = models.CharField(_("document number"), max_length=32)
    document = models.ForeignKey(
        IssuedDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    border_point = models.CharField(_("border crossing point"), max_length=64)
    received_at = models.DateTimeField(_("received"))
    payload_hash = models.CharField(max_length=64)
    # This crossing used the visa and opened the case's next stage.
    entry_recorded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "event_id"], name="movement_event_once_per_client"
            )
        ]
        indexes = [models.Index(fields=["occurred_at"], name="movement_occurred_idx")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.event_id}"
