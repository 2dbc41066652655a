"""The queue's filters as a GET form: every choice comes from the official's queue scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.cases.queues import (
    ALL,
    ANYONE,
    ME,
    OPEN,
    UNASSIGNED,
    DeadlineWindow,
    QueueFilters,
    QueueScope,
    Sort,
    state_label,
)
from haven.rules.display import nationality_choices

DEADLINE_LABELS = {
    DeadlineWindow.ANY: _("Any deadline"),
    DeadlineWindow.OVERDUE: _("Overdue"),
    DeadlineWindow.WEEK: _("Due within 7 days"),
    DeadlineWindow.MONTH: _("Due within 30 days"),
}
SORT_LABELS = {
    Sort.DEADLINE: _("Deadline, nearest first"),
    Sort.DEADLINE_LATEST: _("Deadline, latest first"),
    Sort.SUBMITTED: _("Submitted, oldest first"),
    Sort.SUBMITTED_LATEST: _("Submitted, newest first"),
}


class QueueFilterForm(forms.Form):
    # The first choice of each list is its default, so an empty query shows the open cases.
    status = forms.ChoiceField(label=_("Status"), required=False)
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    deadline = forms.ChoiceField(
        label=_("Deadline"), required=False, choices=list(DEADLINE_LABELS.items())
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, data: Any, *, scope: QueueScope, language: str) -> None:
        super().__init__(data)
        self.scope = scope
        self._choices(
            "status",
            [
                (OPEN, _("Waiting for a decision")),
                *((state, state_label(state)) for state in scope.states),
                (ALL, _("Any status")),
            ],
        )
        self._choices("programme", [("", _("All programmes")), *scope.programmes])
        self._choices("nationality", [("", _("Any nationality")), *nationality_choices(language)])
        self._choices(
            "assignee",
            [
                (ANYONE, _("Anyone or nobody")),
                (ME, _("Me")),
                (UNASSIGNED, _("Nobody (unassigned)")),
                *((str(colleague.pk), colleague.name) for colleague in scope.colleagues),
            ],
        )

    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        if not isinstance(field, forms.ChoiceField):
            raise TypeError(f"{name} is not a choice field")
        field.choices = choices

    def filters(self, *, page: int | str) -> QueueFilters:
        """The valid filters; a value that is not among the choices counts as not chosen."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return QueueFilters(
            authority=self.scope.authority,
            status=data.get("status") or OPEN,
            programme=data.get("programme") or "",
            nationality=data.get("nationality") or "",
            deadline=DeadlineWindow(data.get("deadline") or DeadlineWindow.ANY),
            assignee=data.get("assignee") or ANYONE,
            sort=Sort(data.get("sort") or Sort.DEADLINE),
            page=page,
        )
