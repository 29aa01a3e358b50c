"""A fake push service: a real HTTPS server on 127.0.0.1 (a thread) that checks what a real one does.

Each push must carry a VAPID JWT (RFC 8292) signed with the application server's key, for this
origin (`aud`), not expired and at most 24 h ahead (`exp`), naming a mailto: or https contact
(`sub`); a TTL; and an aes128gcm body (RFC 8291) that the subscription's own private key
decrypts (http_ece). A push that fails a check is answered 400/403 and kept in `problems`.
Each subscription answers from its script, in order, then 201: 201, 404, 410, (429, seconds)
with Retry-After, 500, or HANG (no answer until the client gives up).

The server speaks TLS with a certificate of its own (`cert_path`): point REQUESTS_CA_BUNDLE at
it. Push endpoints are https on a known host, in tests as in production; tests allow 127.0.0.1
through PUSH_ENDPOINT_HOSTS.
"""

import base64
import collections
import datetime
import ipaddress
import json
import re
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from py_vapid import jwt

HANG = "hang"
HANG_SECONDS = 15
MAX_BODY = 4096
URGENCIES = {"very-low", "low", "normal", "high"}
SUB = re.compile(r"mailto:[^@\s]+@[^@\s]+|https://\S+")


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def write_certificate(folder):
    """A self-signed certificate for 127.0.0.1; returns (certificate path, key path)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake push service")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "push-cert.pem", folder / "push-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class FakeSubscription:
    """A browser's side of a subscription: what it sends the server, and the keys to decrypt with."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    script: collections.deque = field(default_factory=collections.deque)

    @property
    def p256dh(self):
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def to_json(self):
        """What the browser's PushSubscription.toJSON() gives."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)},
        }


@dataclass(frozen=True)
class Push:
    """A push the service accepted: decrypted, with its headers and VAPID claims."""

    endpoint: str
    headers: dict
    claims: dict
    payload: dict


class FakePushService:
    def __init__(self, vapid_public_key, folder):
        self.vapid_public_key = vapid_public_key
        self.cert_path, key_path = write_certificate(folder)
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(self.cert_path, key_path)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.service = self
        self.origin = f"https://127.0.0.1:{self.server.server_port}"
        self.lock = threading.Lock()
        self.releasing = threading.Event()
        self.reset()

    def __enter__(self):
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-push", daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.releasing.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def reset(self):
        """Forget every subscription and what was received; let any hung answer go."""
        self.releasing.set()
        with self.lock:
            self.subscriptions = {}
            self.received = []  # Push, each accepted one
            self.attempts = []  # (endpoint, status answered), every request
            self.problems = []  # (endpoint, what failed a check)
        self.releasing = threading.Event()

    def subscribe(self, *script):
        """A new subscription answering `script` in order (then 201)."""
        token = secrets.token_urlsafe(16)
        subscription = FakeSubscription(
            f"{self.origin}/push/{token}", ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16),
            collections.deque(script),
        )  # fmt: skip
        with self.lock:
            self.subscriptions[token] = subscription
        return subscription

    def pushes_to(self, subscription):
        return [push for push in self.received if push.endpoint == subscription.endpoint]

    def statuses_of(self, subscription):
        return [status for endpoint, status in self.attempts if endpoint == subscription.endpoint]

    # -- what the server does with a request ----------------------------------------------------

    def answer(self, path, headers, body):
        """(status, extra headers) for one POST."""
        with self.lock:
            subscription = self.subscriptions.get(path.rsplit("/", 1)[-1])
        if subscription is None:
            return 404, {}
        try:
            claims, payload = self.check(subscription, headers, body)
        except ValueError as problem:
            with self.lock:
                self.problems.append((subscription.endpoint, str(problem)))
                self.attempts.append((subscription.endpoint, 403))
            return 403, {}
        with self.lock:
            scripted = subscription.script.popleft() if subscription.script else 201
        status, extra = (
            (scripted[0], {"Retry-After": str(scripted[1])}) if isinstance(scripted, tuple) else (scripted, {})
        )
        with self.lock:
            self.attempts.append((subscription.endpoint, status))
        if status == HANG:
            self.releasing.wait(HANG_SECONDS)
            return 504, {}
        if status == 201:
            with self.lock:
                self.received.append(Push(subscription.endpoint, headers, claims, payload))
        return status, extra

    def check(self, subscription, headers, body):
        """(VAPID claims, decrypted payload), or ValueError naming what a push service would refuse."""
        scheme, _, params = headers.get("authorization", "").partition(" ")
        parts = dict(part.split("=", 1) for part in params.split(",") if "=" in part)
        if scheme.lower() != "vapid" or "t" not in parts or "k" not in parts:
            raise ValueError("no VAPID authorization")
        if parts["k"] != self.vapid_public_key:
            raise ValueError("signed with another application server's key")
        try:
            claims = jwt.decode(parts["t"], parts["k"])
        except Exception as exc:
            raise ValueError(f"VAPID JWT signature invalid: {exc!r}") from None
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not {self.origin}")
        if not isinstance(claims.get("exp"), int) or not time.time() < claims["exp"] <= time.time() + 24 * 3600:
            raise ValueError(f"exp {claims.get('exp')!r} is expired or more than 24 h ahead")
        if not SUB.fullmatch(str(claims.get("sub", ""))):
            raise ValueError(f"sub {claims.get('sub')!r} is not a mailto: or https contact")
        if not headers.get("ttl", "").isdigit():
            raise ValueError("no TTL")
        if "urgency" in headers and headers["urgency"] not in URGENCIES:
            raise ValueError(f"Urgency {headers['urgency']!r}")
        if "topic" in headers and not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", headers["topic"]):
            raise ValueError(f"Topic {headers['topic']!r}")
        if headers.get("content-encoding") != "aes128gcm" or len(body) > MAX_BODY:
            raise ValueError("not an aes128gcm body of at most 4096 bytes")
        try:
            plain = http_ece.decrypt(
                body, private_key=subscription.private_key, auth_secret=subscription.auth, version="aes128gcm"
            )
        except Exception as exc:
            raise ValueError(f"payload does not decrypt: {exc!r}") from None
        return claims, json.loads(plain)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as pywebpush's session expects

    def setup(self):
        # The TLS handshake in the connection's own thread, not in the accepting one.
        self.request = self.server.service.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, extra = self.server.service.answer(self.path, headers, body)
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass
