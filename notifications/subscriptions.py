"""What a push subscription must be before the server will ever post to it.

The endpoint is an address the browser chose, so it is an address the server will post to:
it must be https on a known push service (PUSH_ENDPOINT_HOSTS), or anyone could make the
server post wherever they like. The keys must be what the encryption needs (RFC 8291): the
browser's P-256 public key and a 16-byte auth secret.
"""

import base64
import binascii
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

AUTH_SECRET_BYTES = 16


def b64url_decode(value):
    """The bytes of URL-safe base64 (padding optional), or None if it is not that."""
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None


def host_allowed(host):
    for allowed in settings.PUSH_ENDPOINT_HOSTS:
        allowed = allowed.lower()
        if host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:])):
            return True
    return False


def endpoint_allowed(url):
    """https, no user info, on a host of PUSH_ENDPOINT_HOSTS ("*.example.com" matches its subdomains)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a malformed port
    except ValueError:
        return False
    if parts.scheme != "https" or not parts.hostname or parts.username is not None or parts.password is not None:
        return False
    return host_allowed(parts.hostname)


def p256dh_valid(value):
    """The browser's public key: a 65-byte uncompressed point on P-256."""
    raw = b64url_decode(value)
    if raw is None or len(raw) != 65:
        return False
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return False
    return True


def auth_valid(value):
    raw = b64url_decode(value)
    return raw is not None and len(raw) == AUTH_SECRET_BYTES
