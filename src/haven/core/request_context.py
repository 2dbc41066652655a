"""The request being served, for code far from the view (audit, logging).

A context variable, so it is correct per thread and per asyncio task.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None


_current: ContextVar[RequestContext | None] = ContextVar("haven_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


def bind(context: RequestContext | None) -> object:
    return _current.set(context)


def reset(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
