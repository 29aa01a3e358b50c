from django.core.management.base import BaseCommand

from notifications import vapid


class Command(BaseCommand):
    help = "Print a new VAPID key pair as environment variables (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY)."

    def handle(self, *args, **options):
        pair = vapid.generate()
        self.stdout.write(f"VAPID_PUBLIC_KEY={pair.public_key}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={pair.private_key}")
