"""Web Push through pywebpush: the one module that talks to push services.

pywebpush encrypts the payload for the browser (aes128gcm, RFC 8291) and signs a VAPID JWT
(RFC 8292). Its defaults are not ours: no timeout and TTL 0 (a phone that is offline never
gets the message), so both are always given, with the Urgency and Topic headers (RFC 8030).
It writes `aud` and `exp` into the claims dict it is passed, so each call gets a new one.
"""

import datetime
import email.utils
import json
import threading

import requests
from django.conf import settings
from django.utils import timezone
from pywebpush import WebPushException, webpush

from notifications import content, vapid
from notifications.subscriptions import endpoint_allowed
from notifications.transports.base import Transport, TransportError

GONE = (404, 410)
# The push service is throttling or failing: worth another try later.
TRANSIENT = (429, 500, 502, 503, 504)

# One HTTP session per thread: keep-alive connections to the push services.
_local = threading.local()


def session():
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def payload(notification):
    """What the browser's service worker receives: the title, a short body, the page to open.

    Well under the 3 KB a push service must accept (RFC 8030 asks for 4 KB with the encryption
    overhead): the title is at most 120 characters, the body 240, the URL 200.
    """
    data = {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": content.short(notification.body),
        "url": notification.url,
        "tag": content.topic(notification),
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def retry_after_seconds(value):
    """Retry-After as seconds: a number of seconds or an HTTP date (RFC 9110); None if neither."""
    if not value:
        return None
    if value.strip().isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0, int((when - timezone.now()).total_seconds()))


def refusal(response):
    """The TransportError for a push service's answer other than 201/202."""
    if response is None:  # pywebpush refused the subscription before sending
        return TransportError("the subscription's keys cannot be used", permanent=True)
    summary = f"push service answered {response.status_code}: {response.text[:200]}"
    if response.status_code in GONE:
        return TransportError(summary, gone=True)
    if response.status_code in TRANSIENT:
        return TransportError(summary, retry_after=retry_after_seconds(response.headers.get("Retry-After")))
    return TransportError(summary, permanent=True)  # 400, 403, 413...: a request we should not have sent


class WebPushTransport(Transport):
    def send(self, delivery):
        subscription = delivery.subscription
        if subscription is None:
            raise TransportError("the subscription was deleted", gone=True)
        # Checked again here, not only when subscribing: the allowed hosts may have changed since.
        if not endpoint_allowed(subscription.endpoint):
            raise TransportError("the endpoint is not on an allowed push service (PUSH_ENDPOINT_HOSTS)", permanent=True)
        keys = vapid.keys()
        if keys is None:
            raise TransportError("Web Push is off: no VAPID keys", permanent=True)
        notification = delivery.notification
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=payload(notification),
                vapid_private_key=vapid.signer(keys.private_key),
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                content_encoding="aes128gcm",
                timeout=settings.PUSH_TIMEOUT_SECONDS,
                ttl=content.TTL[notification.kind],
                headers={"Urgency": notification.urgency, "Topic": content.topic(notification)},
                requests_session=session(),
            )
        except WebPushException as exc:
            raise refusal(exc.response) from exc
        except requests.RequestException as exc:  # a timeout, a refused or broken connection
            raise TransportError(f"push service unreachable: {exc.__class__.__name__}: {exc}") from exc
