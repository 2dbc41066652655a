from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNSPECIFIED = "X", _("Unspecified")


class Person(models.Model):
    """A person in a case: the applicant (and, for some programmes, family members).

    Names are kept as the passport's machine-readable zone prints them (Latin
    letters) and, optionally, in the person's own script.
    """

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        FAMILY_MEMBER = "family_member", _("Family member")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.APPLICANT)
    surname = models.CharField(_("surname"), max_length=100, blank=True)
    given_names = models.CharField(_("given names"), max_length=100, blank=True)
    native_surname = models.CharField(_("surname in your own script"), max_length=100, blank=True)
    native_given_names = models.CharField(
        _("given names in your own script"), max_length=100, blank=True
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    citizenships = models.JSONField(_("citizenships"), default=list)
    residence = models.CharField(_("country of permanent residence"), max_length=3, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    # The names in passport letters (haven.people.duplicates.name_keys_for), kept
    # so the database can look for possible duplicates; written by the actions
    # that change names, never typed.
    name_key = models.CharField(max_length=400, blank=True, default="", editable=False)
    native_name_key = models.CharField(max_length=400, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(role="applicant"),
                name="person_one_applicant_per_case",
            )
        ]
        # On PostgreSQL, migration 0004 adds trigram (GIN) indexes on both name keys.
        indexes = [
            models.Index(fields=["birth_date"], name="person_birth_idx"),
            models.Index(fields=["birth_date", "name_key"], name="person_birth_name_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.surname} {self.given_names}".strip() or f"person {self.pk}"


class Passport(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="passport")
    number = models.CharField(_("passport number"), max_length=20, blank=True)
    issuing_state = models.CharField(_("issuing state"), max_length=3, blank=True)
    issue_date = models.DateField(_("date of issue"), null=True, blank=True)
    expiry_date = models.DateField(_("date of expiry"), null=True, blank=True)
    mrz_line1 = models.CharField(_("machine-readable zone, line 1"), max_length=44, blank=True)
    mrz_line2 = models.CharField(_("machine-readable zone, line 2"), max_length=44, blank=True)

    class Meta:
        verbose_name = _("passport")
        verbose_name_plural = _("passports")

    def __str__(self) -> str:
        return f"passport {self.pk}"
