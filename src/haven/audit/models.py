from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class EventType(models.TextChoices):
    """Every kind of event the audit chain records. Values are stable: never rename one."""

    LOGIN_SUCCEEDED = "LOGIN_SUCCEEDED", _("Signed in")
    LOGIN_FAILED = "LOGIN_FAILED", _("Sign-in failed")
    LOGGED_OUT = "LOGGED_OUT", _("Signed out")
    SESSION_EXPIRED = "SESSION_EXPIRED", _("Session expired")
    ACCOUNT_LOCKED_OUT = "ACCOUNT_LOCKED_OUT", _("Locked out after failed sign-ins")
    ACCOUNT_CREATED = "ACCOUNT_CREATED", _("Account created")
    SIGN_UP_WITH_EXISTING_EMAIL = (
        "SIGN_UP_WITH_EXISTING_EMAIL",
        _("Sign-up tried with the address of an existing account"),
    )
    EMAIL_VERIFIED = "EMAIL_VERIFIED", _("Email address verified")
    PASSWORD_CHANGED = "PASSWORD_CHANGED", _("Password changed")
    PASSWORD_RESET = "PASSWORD_RESET", _("Password reset")
    MFA_ENROLLED = "MFA_ENROLLED", _("Two-factor authentication set up")
    MFA_REMOVED = "MFA_REMOVED", _("Two-factor authentication removed")
    MFA_RECOVERY_CODES_REGENERATED = (
        "MFA_RECOVERY_CODES_REGENERATED",
        _("Recovery codes regenerated"),
    )
    MFA_CODE_ACCEPTED = "MFA_CODE_ACCEPTED", _("Second factor accepted")
    MFA_CODE_REJECTED = "MFA_CODE_REJECTED", _("Second factor rejected")
    ROLE_GRANTED = "ROLE_GRANTED", _("Role granted")
    ROLE_REVOKED = "ROLE_REVOKED", _("Role revoked")
    AUDIT_TRAIL_VIEWED = "AUDIT_TRAIL_VIEWED", _("Audit trail viewed")
    AMENDMENT_RECORDED = "AMENDMENT_RECORDED", _("Programme amendment recorded")
    CASE_STARTED = "CASE_STARTED", _("Application started")
    CASE_UPDATED = "CASE_UPDATED", _("Application changed")
    DECLARATION_SIGNED = "DECLARATION_SIGNED", _("Declaration signed")
    CASE_SUBMITTED = "CASE_SUBMITTED", _("Application submitted")
    CASE_WITHDRAWN = "CASE_WITHDRAWN", _("Application withdrawn")
    DOCUMENT_UPLOADED = "DOCUMENT_UPLOADED", _("Document uploaded")
    DOCUMENT_REMOVED = "DOCUMENT_REMOVED", _("Document removed")
    DOCUMENT_VIEWED = "DOCUMENT_VIEWED", _("Document downloaded")
    UPLOAD_LEFTOVERS_DELETED = (
        "UPLOAD_LEFTOVERS_DELETED",
        _("Stored files of interrupted uploads or removals deleted"),
    )
    CASE_VIEWED = "CASE_VIEWED", _("Case viewed by an official")
    QUEUE_VIEWED = "QUEUE_VIEWED", _("Queue viewed by an official")
    CASE_ASSIGNED = "CASE_ASSIGNED", _("Case assigned")
    CASE_UNASSIGNED = "CASE_UNASSIGNED", _("Case unassigned")
    CASE_REVIEW_STARTED = "CASE_REVIEW_STARTED", _("Review started")
    CASE_NOTE_ADDED = "CASE_NOTE_ADDED", _("Internal note added")
    INFORMATION_REQUESTED = "INFORMATION_REQUESTED", _("Information requested")
    INFORMATION_PROVIDED = "INFORMATION_PROVIDED", _("Information provided")
    CHECKLIST_ITEM_CHECKED = "CHECKLIST_ITEM_CHECKED", _("Checklist document accepted")
    CHECKLIST_ITEM_UNCHECKED = "CHECKLIST_ITEM_UNCHECKED", _("Checklist document unticked")
    CASE_APPROVED = "CASE_APPROVED", _("Application approved")
    CASE_REFUSED = "CASE_REFUSED", _("Application refused")
    DOCUMENT_ISSUED = "DOCUMENT_ISSUED", _("Visa or permit issued")
    ISSUED_DOCUMENT_VIEWED = "ISSUED_DOCUMENT_VIEWED", _("Visa or permit notice downloaded")
    DECISION_LETTER_VIEWED = "DECISION_LETTER_VIEWED", _("Decision letter downloaded")
    PERSONAL_DATA_EXPORTED = "PERSONAL_DATA_EXPORTED", _("Applicant's own data downloaded")
    ENTRY_RECORDED = "ENTRY_RECORDED", _("Entry recorded")
    MOVEMENT_RECORDED = "MOVEMENT_RECORDED", _("Border crossing recorded")
    INTEGRATION_CLIENT_CREATED = "INTEGRATION_CLIENT_CREATED", _("Border-control client created")
    INTEGRATION_CLIENT_REVOKED = "INTEGRATION_CLIENT_REVOKED", _("Border-control client revoked")
    PERMISSION_GRANTED = "PERMISSION_GRANTED", _("Permission granted")
    PERMISSION_REVOKED = "PERMISSION_REVOKED", _("Permission revoked")
    VISA_EXPIRED = "VISA_EXPIRED", _("Visa expired unused")
    DEADLINE_MISSED = "DEADLINE_MISSED", _("Deadline passed without a decision")
    NOTIFICATION_RECORDED = "NOTIFICATION_RECORDED", _("Annual notification recorded")
    DOCUMENT_VERIFIED = "DOCUMENT_VERIFIED", _("Document looked up on the verification page")
    PERSONAL_DATA_DELETED = "PERSONAL_DATA_DELETED", _("Personal data deleted")


class AuditEvent(models.Model):
    """One link of the append-only, hash-chained record of who did what and who saw what.

    ``hash`` is SHA-256 over ``prev_hash`` and this event's canonical JSON
    (see ``haven.audit.chain``). Rows are inserted, never updated or deleted:
    triggers refuse it, and on PostgreSQL ``haven audit lockdown`` leaves the
    application's role only INSERT and SELECT.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time (UTC)"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_role = models.CharField(_("role"), max_length=200, blank=True)
    # No ``choices`` on purpose: a new kind of event needs no migration of this table.
    event_type = models.CharField(_("event"), max_length=64)
    subject_type = models.CharField(_("subject type"), max_length=64, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict)
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["event_type", "occurred_at"], name="audit_type_time_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event_type}"

    def get_event_type_display(self) -> str:
        try:
            return str(EventType(self.event_type).label)
        except ValueError:
            return self.event_type
