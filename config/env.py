"""Strict readers for settings that come from the environment.

A typo in production ("ture", "10/minute ", "LOUD") must stop the process at start-up with
one line naming the variable and what it accepts, not fall back to a default, and not
start cleanly only to fail on every request later.
"""

import os
import re
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# DRF's throttle rate syntax, spelled out: DRF itself reads only the period's first letter,
# so "10/mxyz" would pass as a minute and "abc" fails on the first request.
RATE = re.compile(r"(?P<num>[0-9]+)/(?P<period>s|sec|second|m|min|minute|h|hour|d|day)")


class SettingError(ImproperlyConfigured):
    """A value from the environment that Rebound cannot use. Its message is one line."""


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name, default, minimum=None, maximum=None):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    bounds = _bounds(minimum, maximum)
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name} must be a whole number{bounds}; got {raw!r}.") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise SettingError(f"{name} must be a whole number{bounds}; got {raw!r}.")
    return value


def _bounds(minimum, maximum):
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" of at least {minimum}"
    if maximum is not None:
        return f" of at most {maximum}"
    return ""


def env_choice(name, default, choices):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().upper()
    if value not in choices:
        raise SettingError(f"{name} must be one of {', '.join(choices)}; got {raw!r}.")
    return value


def env_rate(name, default):
    """A DRF throttle rate: a whole number of at least 1, a slash, s/m/h/d (or sec, min ...)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    match = RATE.fullmatch(raw.strip())
    if not match or int(match["num"]) < 1:
        raise SettingError(
            f"{name} must be a rate such as 600/min: a whole number of at least 1, '/', and one of "
            f"s, sec, second, m, min, minute, h, hour, d, day; got {raw!r}."
        )
    return raw.strip()


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name):
    """Read NAME, or the contents of the file named by NAME_FILE (Docker secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read().strip()
        except OSError as exc:
            raise SettingError(f"{name}_FILE must name a readable file; {path!r}: {exc.strerror}.") from None
    return os.environ.get(name, "")


def load_settings_or_exit(status=1):
    """Read the settings now, at a process's start: a value Rebound cannot use ends the
    process with its one-line message on stderr (no traceback), whatever the entry point."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        settings.INSTALLED_APPS  # noqa: B018  (the first access imports and checks the settings)
    except ImproperlyConfigured as exc:
        print(f"Rebound cannot start: {exc}", file=sys.stderr, flush=True)
        sys.exit(status)
