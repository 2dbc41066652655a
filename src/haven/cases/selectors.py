"""Reads of cases, always checked against who is asking."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from haven.cases.models import Case


def case_list_for_applicant(user: Any) -> QuerySet[Case]:
    return Case.objects.filter(applicant=user).order_by("-created_at")


def access_case(user: Any, public_id: uuid.UUID | str) -> Case:
    """The applicant's own case, or 404 — the same answer for missing and forbidden."""
    try:
        return Case.objects.select_related("declaration").get(
            public_id=public_id, applicant_id=getattr(user, "pk", None)
        )
    except (Case.DoesNotExist, ValueError) as error:
        raise Http404 from error
