from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "recovery"
    verbose_name = "Red flags and alerts"

    def ready(self):
        # Connects recovery to tracker's signals; models are loaded only by now.
        from recovery import receivers  # noqa: F401
