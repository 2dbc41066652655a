from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.roles import roles_of


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: applicants and officials alike, identified by email.

    What a user may do comes from their roles (groups), never from flags here.
    """

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]
        permissions = [
            ("apply_to_programmes", "Can apply to residence programmes"),
            ("work_consular_queue", "Can work the consulate's visa queue"),
            ("work_migration_queue", "Can work the migration authority's permit queue"),
            ("review_commission_cases", "Can review and vote on commission cases"),
            (
                "manage_commission_sessions",
                "Can prepare commission sessions and record conclusions",
            ),
            ("manage_programmes", "Can maintain programmes, country lists and parameters"),
            ("view_statistics", "Can view statistics and export open data"),
        ]

    def role_names(self) -> list[str]:
        """The user's roles, in the order Haven lists them (for the audit trail)."""
        return [role.value for role in roles_of(self)]

    def __str__(self) -> str:
        return self.email

    @property
    def is_staff(self) -> bool:
        """Haven has no Django admin; nobody is 'staff' in Django's sense."""
        return False
