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
    ASSIGNED = "ASSIGNED", _("Officer assigned")
    UNASSIGNED = "UNASSIGNED", _("Officer unassigned")
    DOCUMENT_ISSUED = "DOCUMENT_ISSUED", _("Document issued")
    ENTRY_RECORDED = "ENTRY_RECORDED", _("Entry recorded")
    DOCUMENT_EXPIRED = "DOCUMENT_EXPIRED", _("Visa expired unused")
    DEADLINE_MISSED = "DEADLINE_MISSED", _("Deadline passed without a decision")
    NOTIFICATION_RECORDED = "NOTIFICATION_RECORDED", _("Annual notification recorded")
    PERSONAL_DATA_DELETED = "PERSONAL_DATA_DELETED", _("Personal data deleted")


class Case(models.Model):
    """One application under one programme, from draft to its last stage.

    ``status`` is ``draft``, ``withdrawn`` or ``<stage>_<state>`` (see
    ``haven.cases.transitions``); ``state`` holds the state within the stage
    on its own (``draft`` and ``withdrawn`` outside any stage), so nothing
    takes a status apart. Both are written only by ``apply_transition``. ``version`` rises with every change, so two
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
    state = models.CharField(_("state"), max_length=32, default="draft")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    evaluation = models.JSONField(_("rules evaluation at submission"), null=True, blank=True)
    deadline = models.DateField(_("statutory deadline"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    # The day the current stage began (submission, or entry for the permit stage).
    stage_started_on = models.DateField(_("stage started"), null=True, blank=True)
    # Set by the daily deadline check when the deadline passed without a decision.
    deadline_missed_on = models.DateField(_("deadline missed"), null=True, blank=True)
    # Set by the daily checks when the retention period after closing ended and the
    # person's details and files were deleted (haven.casework.retention); the figures stay.
    personal_data_deleted_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # A queue's counts per status (read from the index alone) and its deadline windows.
            models.Index(
                fields=["programme", "stage", "status", "deadline"], name="case_queue_status_idx"
            ),
            # A queue's first pages in deadline order, without sorting every waiting case.
            models.Index(
                fields=["programme", "stage", "deadline", "submitted_at", "id"],
                name="case_queue_deadline_idx",
            ),
            models.Index(fields=["applicant", "created_at"], name="case_applicant_idx"),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.pk}"


class IdempotencyKey(models.Model):
    """An applicant's ``Idempotency-Key`` and the submission it names, for a while.

    Keys belong to one applicant: unique per applicant, never across Haven, so
    nobody learns or blocks another applicant's keys. ``completed_at`` is NULL
    while the request that sent the key is still in flight, and is set in the
    same transaction as the submission. A key older than
    ``settings.HAVEN_IDEMPOTENCY_KEY_HOURS`` no longer counts and may name
    another submission; the daily checks delete such keys.
    """

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # A digest of the client's key (haven.casework.idempotency): the key itself may carry
    # anything a client chose to put in it.
    key = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "key"], name="idempotency_key_once_per_applicant"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created_idx")]

    def __str__(self) -> str:
        return f"key {self.pk} of {self.applicant_id}"


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


class InformationRequest(models.Model):
    """An official's request for information; the case waits until the applicant answers."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information_requests")
    stage = models.CharField(max_length=64)
    message = models.TextField(_("what is needed"))
    due_on = models.DateField(_("answer due by"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"request {self.pk} on {self.case_id}"


class Decision(models.Model):
    """A named official's decision on one stage of a case, with its grounds.

    One per case and stage (a unique constraint), so two officials deciding at
    once cannot both succeed. Grounds are copied from the programme's
    parameters at the time of deciding, with their legal basis.
    """

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    # In the decision letter's address instead of the row id, which is guessable.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(max_length=64)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    grounds = models.JSONField(default=list)  # [{"code", "article", "act", "title": {lang: text}}]
    explanation = models.TextField(_("explanation for the applicant"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="decision_one_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage} {self.outcome}"


class CaseNote(models.Model):
    """An internal note by an official; never shown to the applicant."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    text = models.TextField(_("note"))

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.case_id}"


class DocumentCheck(models.Model):
    """A document of the stage's checklist that an officer has seen and accepted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="document_checks")
    stage = models.CharField(max_length=64)
    code = models.CharField(max_length=64)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage", "code"], name="document_check_once_per_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage} {self.code}"


class ReminderSent(models.Model):
    """An email the daily checks sent, so that each goes out once.

    ``object_id`` is the row the email is about: an information request, a
    permit's annual notification, or the timeline entry of a missed deadline
    (reported to the authority's supervisors). The unique constraint, not a
    flag on those rows, makes a second run of the checks (or two at once)
    send nothing twice; the row is written in the same transaction as the
    email is handed to the mail server, so a failed send is tried again the
    next day.
    """

    class Kind(models.TextChoices):
        INFORMATION_DUE_SOON = "information_due_soon", _("Information due soon")
        NOTIFICATION_WINDOW_OPEN = "notification_window_open", _("Annual notification due")
        DEADLINE_REPORTED = "deadline_reported", _("Missed deadline reported")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="reminder_sent_once")
        ]
        # Given per user (``haven users supervise``), not through a role: a supervisor is
        # an official of an authority who also gets its daily report of missed deadlines.
        permissions = [
            ("receive_deadline_reports", "Can receive the daily report of missed deadlines")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
