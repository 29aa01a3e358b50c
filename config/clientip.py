"""The client's address, as the throttles and the admin lock-out count it.

The same rule as DRF's throttles (REST_FRAMEWORK["NUM_PROXIES"]): with no trusted proxy
(the default) X-Forwarded-For is ignored, since anyone can write it; behind N proxies the
address is the one the outermost trusted proxy appended, N entries from the end.
"""

from django.conf import settings


def client_ip(request):
    proxies = settings.REST_FRAMEWORK["NUM_PROXIES"]
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR")
