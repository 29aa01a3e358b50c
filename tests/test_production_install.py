"""The production install is requirements.txt alone: it must lock the whole runtime tree.

The defect this guards against: kombu's Redis transport imports `packaging`, which only its
`redis` extra brings; requirements.txt did not have it, so production could not reach Redis
while `make test` (dev requirements on top) never noticed. CI's .ci/production-check proves
the same on a real install; this test says which package is missing, in a second.
"""

import re
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
# What the settings select at run time beyond the direct dependencies: with REDIS_URL set,
# Celery's broker and results go through kombu's Redis transport.
RUNTIME_EXTRAS = [Requirement("kombu[redis]")]


def locked():
    """{name: the block of requirements.txt that pins it}."""
    text = (ROOT / "requirements.txt").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pins = {}
    for block in blocks:
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==\S+", block)
        if match:
            pins[canonicalize_name(match.group(1))] = block
    return pins


def direct_requirements():
    lines = (ROOT / "requirements.in").read_text().splitlines()
    return [Requirement(line.split("#")[0].strip()) for line in lines if line.split("#")[0].strip()]


def runtime_closure():
    """Every distribution the runtime needs, walking each one's declared requirements (with
    the extras asked for) as installed here, markers evaluated for this Python."""
    seen, todo = {}, [*direct_requirements(), *RUNTIME_EXTRAS]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        extras = set(requirement.extras)
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, set()) | extras
        for spec in metadata.distribution(name).requires or ():
            dependency = Requirement(spec)
            environments = [{**default_environment(), "extra": extra} for extra in ("", *seen[name])]
            if dependency.marker is None or any(dependency.marker.evaluate(env) for env in environments):
                todo.append(dependency)
    return seen


def test_requirements_txt_locks_every_package_the_runtime_imports_with_hashes():
    pins = locked()
    closure = runtime_closure()
    assert "packaging" in closure, "the Redis transport's own requirement is part of the walk"
    assert sorted(set(closure) - set(pins)) == []
    unhashed = [name for name, block in pins.items() if "--hash=sha256:" not in block]
    assert unhashed == []


def test_the_dev_lock_runs_the_same_runtime_versions():
    dev = (ROOT / "requirements-dev.txt").read_text()
    for block in locked().values():
        pin = block.split()[0]
        assert re.search(rf"(?im)^{re.escape(pin)}\b", dev), f"{pin} differs in requirements-dev.txt"
