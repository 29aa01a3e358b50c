import getpass
import sys

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.models import User, validate_timezone


class Command(BaseCommand):
    help = (
        "Create a physiotherapist account. It refuses a username that exists (patient or not): "
        "to make an existing account a physiotherapist, tick 'is physio' in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", help="Asked for (twice) when left out and a terminal is attached.")
        parser.add_argument("--email", default="", help="Where alerts of linked patients are e-mailed.")
        parser.add_argument("--timezone", default="UTC", help="IANA time zone, e.g. Europe/Berlin (default UTC).")

    def handle(self, *args, username, password, email, timezone, **options):
        errors = []
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as exc:
            errors += [f"username: {m}" for m in exc.messages]
        existing = User.objects.filter(username__iexact=username).first()
        if existing is not None:
            role = "a physiotherapist" if existing.is_physio else "not a physiotherapist"
            errors.append(f"username: {existing.username!r} already exists ({role}); nothing was changed.")
        for name, check, value in (("email", validate_email, email), ("timezone", validate_timezone, timezone)):
            try:
                if value:
                    check(value)
            except ValidationError as exc:
                errors += [f"{name}: {m}" for m in exc.messages]
        if errors:
            raise CommandError("\n".join(errors))
        password = password if password is not None else self.ask_password()
        candidate = User(username=username, email=email)
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError("\n".join(f"password: {m}" for m in exc.messages)) from None
        user = User.objects.create_user(
            username=username, password=password, email=email, timezone=timezone, is_physio=True
        )
        self.stdout.write(self.style.SUCCESS(f"Physiotherapist {user.username!r} created (id {user.pk})."))

    def ask_password(self):
        if not sys.stdin.isatty():
            raise CommandError("password: give --password, or run this in a terminal to be asked for it.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("password: the two passwords differ; nothing was changed.")
        return first
