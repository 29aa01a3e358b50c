import logging

from django.apps import AppConfig
from django.conf import settings

log = logging.getLogger(__name__)


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Connects notifications to recovery's and accounts' announcements and registers the
        # VAPID check; models are loaded by now.
        from notifications import checks, receivers, vapid  # noqa: F401

        if settings.WEB_PUSH:
            vapid.ensure_key_file()  # a laptop's pair, made on first start (DEBUG without keys)
        else:
            log.warning(
                "Web Push is off: no VAPID keys (set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT; "
                "`manage.py vapid_keys` prints a pair). The in-app feed and e-mail still deliver every notification."
            )
