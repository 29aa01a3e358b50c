"""DRF's throttles, made to fail open: a cache that does not answer never fails a request.

The throttles keep their counters in the cache (Redis in production). When Redis is down
or stalled, refusing every request would turn a broker outage into an outage of the app,
the emergency log PUT included: the request goes through unthrottled instead, and it is
logged. After a failure the cache is not asked again for a few seconds, so a stalled
Redis costs one short socket timeout now and then, not one on every request.
"""

import hashlib
import logging
import time

from redis.exceptions import RedisError
from rest_framework import throttling

log = logging.getLogger(__name__)

# How long the throttles leave the cache alone after it failed to answer.
COOL_OFF_SECONDS = 5.0


class CacheBreaker:
    """Whether the cache was failing a moment ago; shared by every throttle of a process."""

    def __init__(self):
        self.closed_until = 0.0

    def is_open(self):
        return time.monotonic() < self.closed_until

    def trip(self, throttle, exc):
        self.closed_until = time.monotonic() + COOL_OFF_SECONDS
        log.warning(
            "throttle %s let a request through: the cache did not answer (%s: %s); not asking it for %.0f s",
            type(throttle).__name__,
            type(exc).__name__,
            exc,
            COOL_OFF_SECONDS,
        )


breaker = CacheBreaker()


class FailOpenMixin:
    def allow_request(self, request, view):
        if breaker.is_open():
            return True
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as exc:  # the cache's failure is never the user's
            breaker.trip(self, exc)
            return True


class UserRateThrottle(FailOpenMixin, throttling.UserRateThrottle):
    """`user`: every authenticated user's requests (THROTTLE_USER)."""


class ScopedRateThrottle(FailOpenMixin, throttling.ScopedRateThrottle):
    """A view's `throttle_scope`, per client address (`auth`: THROTTLE_AUTH)."""


class UsernameRateThrottle(FailOpenMixin, throttling.SimpleRateThrottle):
    """`auth_username`: token requests per username, from any address (THROTTLE_AUTH_USERNAME)."""

    scope = "auth_username"

    def get_cache_key(self, request, view):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username:
            return None  # nothing to count: the request is refused as invalid anyway
        ident = hashlib.sha256(username.strip().casefold().encode("utf-8", "surrogatepass")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
