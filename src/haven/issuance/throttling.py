"""How often one client address may look documents up on the public verification page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle


class VerificationThrottle(SimpleRateThrottle):
    """Lookups per client address, at ``settings.HAVEN_VERIFY_RATE`` (e.g. "20/min").

    The same mechanism as the eligibility API's limit: counts in Django's
    (database) cache, shared by all processes, the client address taken as
    ``NINJA_NUM_PROXIES`` says. The rate is read on every request.
    """

    scope = "verification"

    def __init__(self) -> None:
        super().__init__(rate=settings.HAVEN_VERIFY_RATE)

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.HAVEN_VERIFY_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)
