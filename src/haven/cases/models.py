from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseEventType(models.TextChoices):
    """What happened to a case. Values are stable: never rename one."""

    DRAFT_STARTED = "DRAFT_STARTED", _("Application started")
    SUBMITTED = "SUBMITTED", _("Application submitted")
    REVIEW_STARTED = "REVIEW_STARTED", _("Review started")
    INFORMATION_REQUESTED = "INFORMATION_REQUESTED", _("Information requested")
    INFORMATION_PROVIDED = "INFORMATION_PROVIDED", _("Information provided")
    APPROVED = "APPROVED", _("Approved")
    REFUSED = "REFUSED", _("Refused")
    WITHDRAWN = "WITHDRAWN", _("Application withdrawn")


class Case(models.Model):
    """One application under one programme, from draft to its last stage.

    ``status`` is ``draft``, ``withdrawn`` or ``<stage>_<state>`` (see
    ``haven.cases.transitions``) and is written only by the actions in
    ``haven.cases.actions``. ``version`` rises with every change, so two
    officials acting on the same case at once cannot both succeed.
    """

    # In URLs instead of the row id, so nobody can count or walk applications.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # NULL until submission: unique references, and drafts without one.
    reference = models.CharField(  # noqa: DJ001
        _("reference"), max_length=20, unique=True, null=True
    )
    programme = models.CharField(_("programme"), max_length=64)
    stage = models.CharField(_("stage"), max_length=64)
    status = models.CharField(_("status"), max_length=64, default="draft")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submission_key = models.CharField(  # NULL when no key was sent
        max_length=64, unique=True, null=True, blank=True
    )
    evaluation = models.JSONField(_("rules evaluation at submission"), null=True, blank=True)
    deadline = models.DateField(_("statutory deadline"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["stage", "status", "deadline"], name="case_queue_idx"),
            models.Index(fields=["applicant", "created_at"], name="case_applicant_idx"),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.pk}"


class CaseEvent(models.Model):
    """The case's timeline: what happened, when, by whom, and whether the applicant sees it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=40, choices=CaseEventType.choices)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=64, blank=True)
    to_status = models.CharField(max_length=64, blank=True)
    visible_to_applicant = models.BooleanField(default=True)
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="caseevent_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.type}"


class ReferenceCounter(models.Model):
    """The last reference number given out in a year (HVN-2026-000123)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Declaration(models.Model):
    """The signed declaration: the exact texts shown, who signed, when, and any statement.

    The texts are copied at signing, so later changes to the programme's
    wording never alter what this applicant signed.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="declaration")
    language = models.CharField(max_length=8)
    text = models.TextField(_("declaration in the applicant's language"))
    binding_text = models.TextField(_("binding Russian text"))
    text_valid_from = models.DateField()
    full_name = models.CharField(_("full name as signed"), max_length=200)
    statement = models.TextField(_("personal statement"), blank=True)
    signed_at = models.DateTimeField(_("signed"))

    def __str__(self) -> str:
        return f"declaration {self.pk}"
