"""Log records carry the request id, so one request can be traced without personal data."""

from __future__ import annotations

import logging

from haven.core import request_context


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.current()
        record.request_id = context.request_id if context else "-"
        return True
