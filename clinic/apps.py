from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        # Tells linked physiotherapists of their patients' alerts; models are loaded by now.
        from clinic import receivers  # noqa: F401
