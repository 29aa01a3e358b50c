"""The registry of channels: Delivery.channel -> its transport.

The in-app channel needs none: the Notification row is the feed.
"""

from notifications.models import Channel
from notifications.transports.email import EmailTransport
from notifications.transports.webpush import WebPushTransport

TRANSPORTS = {Channel.WEBPUSH: WebPushTransport(), Channel.EMAIL: EmailTransport()}
