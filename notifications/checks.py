"""System checks: configured VAPID keys must be one pair."""

from django.conf import settings
from django.core import checks

from notifications import vapid


@checks.register(checks.Tags.security)
def vapid_keys_are_a_pair(app_configs, **kwargs):
    if not settings.VAPID_PRIVATE_KEY:
        return []
    try:
        public_key = vapid.public_key_of(vapid.signer(settings.VAPID_PRIVATE_KEY))
    except ValueError:  # 32 bytes, but not a P-256 private key
        public_key = None
    if public_key != settings.VAPID_PUBLIC_KEY:
        return [
            checks.Error(
                "VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY: browsers would subscribe with a key "
                "that cannot verify the server's pushes.",
                hint="Set both from one run of `manage.py vapid_keys`.",
                id="notifications.E001",
            )
        ]
    return []
