"""The production compose stack: the services, their health checks, one shared image."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def load_compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services_with_health_checks():
    services = load_compose()["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert service["healthcheck"]["test"], f"{name} has no health check"
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_web_worker_and_beat_share_one_image_and_real_services():
    services = load_compose()["services"]
    app_services = [services[name] for name in ("web", "worker", "beat")]
    assert {s["image"] for s in app_services} == {"rebound:latest"}
    for service in app_services:
        env = service["environment"]
        assert env["DEBUG"] == "0"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]


# The image's user is `rebound`; here, the unprivileged uid every Linux has.
NOBODY = 65534
AS_NOBODY = {"user": NOBODY, "group": NOBODY, "extra_groups": []}  # no root supplementary group either


# Through the whole middleware stack (allowed host, HTTPS as the proxy would set it).
SERVE_HEALTHZ_AND_A_STATIC_FILE = """
import json
from django.conf import settings
from django.test import Client
client = Client(headers={"host": "rebound.example"})
health = client.get("/healthz/", secure=True)
manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())
static = client.get("/static/" + manifest["paths"]["admin/css/base.css"], secure=True)
print("RESULT " + json.dumps({"health": [health.status_code, health.json()], "static": static.status_code}))
"""


def image_user():
    users = [line.split()[1] for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("USER ")]
    return users[-1] if users else "root"


def python_for_nobody(top):
    """An interpreter uid 65534 can run that imports this venv's packages.

    sys.executable when it can; else (a venv made from a Python under /root, e.g. pyenv's) a
    venv made from a system Python of the same version, whose .pth file adds this venv's
    site-packages. None if there is none.
    """
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    probe = "import sys, django, gunicorn; print(f'{sys.version_info.major}.{sys.version_info.minor}')"

    def runs(python):
        try:
            done = subprocess.run([python, "-c", probe], env={"PATH": "/usr/bin:/bin"}, cwd="/",
                                  capture_output=True, text=True, timeout=60, **AS_NOBODY)  # fmt: skip
        except OSError:  # PermissionError: a directory on its path is closed to uid 65534
            return False
        return done.returncode == 0 and done.stdout.strip() == version

    if runs(sys.executable):
        return sys.executable
    site_dirs = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    for base in (f"/usr/local/bin/python{version}", f"/usr/bin/python{version}"):
        if not os.access(base, os.X_OK):
            continue
        shim = top / f"python{version}-venv"
        shutil.rmtree(shim, ignore_errors=True)
        subprocess.run([base, "-m", "venv", "--without-pip", str(shim)], check=True, timeout=60)
        shim_python = shim / "bin" / "python"
        purelib = subprocess.run([str(shim_python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                 check=True, capture_output=True, text=True, timeout=60).stdout.strip()  # fmt: skip
        lines = "".join(f"import site; site.addsitedir({d!r})\n" for d in site_dirs)
        (Path(purelib) / "rebound-venv.pth").write_text(lines)
        if runs(str(shim_python)):
            return str(shim_python)
    return None


def test_the_app_runs_as_a_non_root_user_writing_only_to_var_dir():
    """As the image runs it: the code read-only, VAR_DIR the only directory the user may write to.

    DEBUG=0 production settings on SQLite and the file-system broker, both under VAR_DIR;
    collectstatic, migrate, then /healthz/ and a collected static file through the whole
    middleware stack. Runs as uid 65534 (nobody), so it needs root: in CI it always runs.
    """
    user = image_user()
    assert user not in {"root", "0"} and not user.startswith(("root:", "0:")), f"the image runs as {user}"
    if os.geteuid() != 0:
        reason = "needs root to run the app as uid 65534"
        if IN_CI:
            pytest.fail(f"{reason}; CI runs as root")
        pytest.skip(reason)

    top = Path(tempfile.mkdtemp(prefix="rebound-nobody-"))
    try:
        top.chmod(0o755)
        # The code as the image's `COPY . .` lays it out (.dockerignore), owned by root, read-only.
        app = top / "app"
        not_copied = (".venv", "var", ".git", ".env", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis")
        shutil.copytree(ROOT, app, ignore=shutil.ignore_patterns(*not_copied, ".schemathesis"))
        for path in [app, *app.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o022)
        var_dir = top / "var"
        var_dir.mkdir(mode=0o700)
        os.chown(var_dir, NOBODY, NOBODY)

        python = python_for_nobody(top)
        if python is None:
            reason = f"no Python {sys.version_info.major}.{sys.version_info.minor} that uid 65534 can run"
            if IN_CI:
                pytest.fail(reason)
            pytest.skip(reason)

        env = {
            "PATH": f"{Path(python).parent}:/usr/bin:/bin",
            "HOME": str(app),  # the image's user has /app as its home: read-only
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "rebound.example",
            "DATABASE_URL": f"sqlite:///{var_dir}/db.sqlite3",
            "VAR_DIR": str(var_dir),
        }

        def manage(*args):
            done = subprocess.run([python, "manage.py", *args], cwd=app, env=env,
                                  capture_output=True, text=True, timeout=120, **AS_NOBODY)  # fmt: skip
            assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
            return done.stdout

        manage("collectstatic", "--noinput")
        manage("migrate", "--noinput")
        served = manage("shell", "-c", SERVE_HEALTHZ_AND_A_STATIC_FILE)
        result = json.loads(served.split("RESULT ", 1)[1])
        assert result == {"health": [200, {"database": "ok", "broker": "ok", "cache": "ok"}], "static": 200}, served

        owners = {path.stat().st_uid for path in var_dir.rglob("*")}
        assert owners == {NOBODY}, "VAR_DIR holds files of another user"
        assert (var_dir / "db.sqlite3").exists()
        assert (var_dir / "staticfiles" / "staticfiles.json").exists()
    finally:
        shutil.rmtree(top, ignore_errors=True)
