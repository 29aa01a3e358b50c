"""The layout's rules that import-linter (`make test` runs `lint-imports`) does not cover."""

import ast
import re
from collections import defaultdict
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "tracker", "recovery", "advice", "notifications", "clinic", "web")
FIRST_PARTY = ("config", *APPS)
URL_CONF = {"config/urls.py", "config/api.py"}


def project_modules():
    for package in FIRST_PARTY:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, ast.parse(path.read_text(encoding="utf-8"))


def imported(node):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


def is_app_ready(function, parents):
    """AppConfig.ready: where Django wants signal receivers connected, once models load."""
    return function.name == "ready" and any(isinstance(p, ast.ClassDef) and p.name.endswith("Config") for p in parents)


def local_imports(tree):
    """(line, module) of first-party imports inside a function body."""
    found = []

    def visit(node, parents):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                if not is_app_ready(child, parents):
                    for inner in ast.walk(child):
                        found.extend((inner.lineno, m) for m in imported(inner) if m.split(".")[0] in FIRST_PARTY)
                continue
            visit(child, [*parents, child])

    visit(tree, [])
    return found


def test_the_walk_finds_the_project():
    assert len(list(project_modules())) > 40


def test_no_function_local_import_dodges_a_cycle():
    offenders = [
        f"{path}:{line} imports {module}" for path, tree in project_modules() for line, module in local_imports(tree)
    ]
    assert offenders == []


def test_nothing_imports_notifications_or_clinic_but_their_own_code_and_the_url_conf():
    offenders = []
    for path, tree in project_modules():
        owner = path.split("/")[0]
        if owner in ("notifications", "clinic") or path in URL_CONF:
            continue
        for node in ast.walk(tree):
            offenders += [
                f"{path} imports {m}" for m in imported(node) if m.split(".")[0] in ("notifications", "clinic")
            ]
    assert offenders == []


def api_routes(patterns=None, prefix=""):
    """(route, view module) of every route under /api/v1/."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from api_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
            view = getattr(entry.callback, "cls", entry.callback)
            yield route.removeprefix("api/v1/"), view.__module__


def resource(route):
    """workouts/<uuid:workout_id>/recovery/close/ -> workouts/recovery: the first two names."""
    return "/".join([part for part in route.split("/") if part and not re.match(r"[<(^]", part)][:2])


def test_each_resource_is_served_from_one_app():
    apps_by_resource = defaultdict(set)
    for route, module in api_routes():
        apps_by_resource[resource(route)].add(module.split(".")[0])
    assert len(apps_by_resource) >= 8, apps_by_resource
    shared = {name: apps for name, apps in apps_by_resource.items() if len(apps) > 1}
    assert shared == {}
