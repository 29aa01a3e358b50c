"""E-mail through Django's mail (EMAIL_BACKEND: the console by default, SMTP in production)."""

from django.core.mail import send_mail

from notifications.transports.base import Transport, TransportError

PREFIX = "email:"


class EmailTransport(Transport):
    def send(self, delivery):
        notification = delivery.notification
        try:
            send_mail(notification.title, notification.body, None, [delivery.target.removeprefix(PREFIX)])
        except Exception as exc:  # SMTP and socket errors alike: the mail server may take it later
            raise TransportError(f"e-mail not accepted: {exc}") from exc
