"""The throttle on entering invitation codes: per user, right or wrong, POST only."""

from rest_framework import throttling

from config.throttling import FailOpenMixin


class InvitationCodeThrottle(FailOpenMixin, throttling.SimpleRateThrottle):
    """`invitation_code` (THROTTLE_INVITATION_CODE): codes one user may try."""

    scope = "invitation_code"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
