"""Notification settings: VAPID keys from the environment (or a laptop's own pair), Web Push off
in production without them, and push endpoints held to https on a known push service."""

import json
import os
import runpy
import secrets
import stat
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from notifications import vapid
from notifications.subscriptions import endpoint_allowed
from tests.conftest import ROOT

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "rebound.example"}
VAPID_NAMES = ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_PRIVATE_KEY_FILE", "VAPID_SUBJECT", "DEBUG")


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {*VAPID_NAMES, "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def settings_under(monkeypatch, tmp_path, **env):
    """config/settings.py run afresh under this environment (as the module dict it builds)."""
    for name in VAPID_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_vapid_keys_prints_a_pair_that_production_accepts():
    printed = manage("vapid_keys", DEBUG="1")
    assert printed.returncode == 0, printed.stderr
    pair = dict(line.split("=", 1) for line in printed.stdout.split())
    assert set(pair) == {"VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY"}
    subject = "mailto:ops@rebound.example"
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **pair, VAPID_SUBJECT=subject)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Web Push is off" not in result.stderr


def test_production_without_vapid_keys_runs_with_web_push_off_and_says_so():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Web Push is off: no VAPID keys" in result.stderr


def test_keys_that_are_not_one_pair_fail_the_check():
    one, other = vapid.generate(), vapid.generate()
    result = manage("check", DEBUG="1", VAPID_PUBLIC_KEY=one.public_key, VAPID_PRIVATE_KEY=other.private_key)
    assert result.returncode != 0
    assert "notifications.E001" in result.stderr


PAIR = vapid.generate()
BOTH = {"VAPID_PUBLIC_KEY": PAIR.public_key, "VAPID_PRIVATE_KEY": PAIR.private_key}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"VAPID_PUBLIC_KEY": PAIR.public_key}, "Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY"),
        ({"VAPID_PUBLIC_KEY": "short", "VAPID_PRIVATE_KEY": "keys"}, "VAPID_PUBLIC_KEY must be a URL-safe base64"),
        ({**BOTH, "VAPID_PRIVATE_KEY": "x" * 40}, "VAPID_PRIVATE_KEY must be a URL-safe base64"),
        ({**BOTH, "VAPID_SUBJECT": "ops@rebound.example"}, "VAPID_SUBJECT must be a mailto:"),
        ({"PUSH_TIMEOUT_SECONDS": "0"}, "PUSH_TIMEOUT_SECONDS must be a whole number from 1 to 120"),
        ({"DELIVERY_MAX_ATTEMPTS": "three"}, "DELIVERY_MAX_ATTEMPTS must be a whole number from 1 to 50"),
    ],
)
def test_a_malformed_notification_setting_stops_the_process(monkeypatch, tmp_path, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_under(monkeypatch, tmp_path, DEBUG="1", **env)


def test_a_laptop_gets_a_key_pair_of_its_own_made_once(monkeypatch, tmp_path, settings):
    laptop = settings_under(monkeypatch, tmp_path, DEBUG="1")
    assert (laptop["WEB_PUSH"], laptop["VAPID_KEY_FILE"]) == (True, tmp_path / "vapid.json")
    settings.WEB_PUSH, settings.VAPID_KEY_FILE = True, laptop["VAPID_KEY_FILE"]
    first = vapid.keys()
    assert vapid.keys() == first == vapid.KeyPair(**json.loads((tmp_path / "vapid.json").read_text()))
    assert stat.S_IMODE((tmp_path / "vapid.json").stat().st_mode) == 0o600
    assert vapid.public_key_of(vapid.signer(first.private_key)) == first.public_key
    production = settings_under(monkeypatch, tmp_path / "prod", **PRODUCTION)
    assert (production["WEB_PUSH"], production["VAPID_KEY_FILE"]) == (False, None)


@pytest.fixture(scope="module")
def production_hosts(tmp_path_factory):
    """PUSH_ENDPOINT_HOSTS as production has it by default."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("PUSH_ENDPOINT_HOSTS", raising=False)
        return settings_under(monkeypatch, tmp_path_factory.mktemp("prod"), **PRODUCTION)["PUSH_ENDPOINT_HOSTS"]


@pytest.mark.parametrize(
    ("endpoint", "allowed"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", True),
        ("https://updates.push.services.mozilla.com/wpush/v2/abc", True),
        ("https://web.push.apple.com/QGq", True),
        ("https://wns2-par02p.notify.windows.com/w/?token=abc", True),
        ("http://fcm.googleapis.com/fcm/send/abc", False),
        ("https://fcm.googleapis.com.attacker.example/x", False),
        ("https://notify.windows.com.attacker.example/x", False),
        ("https://user:pw@fcm.googleapis.com/x", False),
        ("https://127.0.0.1/push", False),
        ("https://169.254.169.254/latest/meta-data", False),
        ("fcm.googleapis.com/fcm/send/abc", False),
        ("", False),
    ],
)
def test_production_push_hosts(production_hosts, settings, endpoint, allowed):
    settings.PUSH_ENDPOINT_HOSTS = production_hosts
    assert endpoint_allowed(endpoint) is allowed
