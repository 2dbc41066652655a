from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.rules.amendments import Operation


class Amendment(models.Model):
    """A change to a programme's parameter by a later act, from its effective date.

    Recorded by a policy administrator; never edited or deleted (a mistake is
    corrected by a further amendment), so every past evaluation stays explainable.
    """

    class OperationChoice(models.TextChoices):
        ADD_COUNTRY = Operation.ADD_COUNTRY.value, _("Add a state to the list")
        REMOVE_COUNTRY = Operation.REMOVE_COUNTRY.value, _("Remove a state from the list")

    programme = models.CharField(_("programme"), max_length=64)
    parameter = models.CharField(_("parameter"), max_length=64)
    operation = models.CharField(_("change"), max_length=32, choices=OperationChoice.choices)
    country = models.CharField(_("state"), max_length=2)
    effective_from = models.DateField(_("effective from"))
    act = models.CharField(_("legal act"), max_length=300)
    act_date = models.DateField(_("date of the act"), null=True, blank=True)
    article = models.CharField(_("article"), max_length=200, blank=True)
    url = models.URLField(_("web address of the act"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["effective_from", "recorded_at", "pk"]
        indexes = [models.Index(fields=["programme", "effective_from"], name="amendment_prog_idx")]

    def __str__(self) -> str:
        return f"{self.programme}.{self.parameter} {self.operation} {self.country}"
