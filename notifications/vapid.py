"""The server's VAPID key pair (RFC 8292): it signs every push, browsers subscribe with its public half.

Keys come from the settings (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY), both URL-safe base64: the
public key as the 65-byte uncompressed P-256 point browsers take, the private key as its raw
32-byte scalar (what `manage.py vapid_keys` prints, and the format of the web-push tools).
With neither set and DEBUG on, the settings name a file under VAR_DIR instead
(VAPID_KEY_FILE): the first process to start writes a new pair there, so push works on a
laptop with no set-up. With neither set and DEBUG off, Web Push is off (settings.WEB_PUSH).
"""

import base64
import contextlib
import functools
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid


@dataclass(frozen=True)
class KeyPair:
    public_key: str
    private_key: str


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def generate():
    """A new key pair."""
    vapid = Vapid()
    vapid.generate_keys()
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return KeyPair(public_key_of(vapid), b64url(private))


def public_key_of(vapid):
    return b64url(
        vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def ensure_key_file():
    """Write a new pair to VAPID_KEY_FILE unless it exists. Safe when web, worker and beat start
    together: the file appears whole (a hard link of a finished temporary file) or not at all,
    and the first one written wins."""
    path = settings.VAPID_KEY_FILE
    if path is None or Path(path).exists():
        return
    pair = generate()
    with tempfile.NamedTemporaryFile("w", dir=Path(path).parent, delete=False, prefix=".vapid-") as tmp:
        json.dump({"public_key": pair.public_key, "private_key": pair.private_key}, tmp)
    try:
        os.chmod(tmp.name, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(tmp.name, path)
    finally:
        os.unlink(tmp.name)


def keys():
    """The KeyPair in force, or None when Web Push is off."""
    if not settings.WEB_PUSH:
        return None
    if settings.VAPID_KEY_FILE is not None:
        ensure_key_file()
        stored = json.loads(Path(settings.VAPID_KEY_FILE).read_text())
        return KeyPair(stored["public_key"], stored["private_key"])
    return KeyPair(settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY)


@functools.lru_cache(maxsize=4)
def signer(private_key):
    """The py_vapid signer of a private key, parsed once per process."""
    return Vapid.from_raw(private_key.encode("ascii"))
