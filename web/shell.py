"""The app shell: the files the service worker keeps, and the version that names its cache.

The version is a digest of the files' contents and of the service worker's own template, so a
deploy that changes any of them installs a new worker, which fills a new cache and drops the
old one; a deploy that changes nothing keeps the phone's cache.
"""

import functools
import hashlib

from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.templatetags.static import static

# Static files every screen uses.
ASSETS = (
    "css/rebound.css",
    "js/outbox.js",
    "js/app.js",
    "icons/icon-192.png",
)
# Pages anyone may open: cached when the worker installs.
PUBLIC_PAGES = ("/signin/", "/signup/")
# The signed-in screens: cached as they are visited and when a signed-in page asks (`warm`).
APP_PAGES = ("/", "/workouts/new/", "/plan/", "/alerts/", "/history/", "/settings/")
SW_TEMPLATE = "web/sw.js"


def asset_urls():
    return [static(name) for name in ASSETS]


@functools.cache
def version():
    digest = hashlib.sha256()
    for name in ASSETS:
        with open(finders.find(name), "rb") as f:
            digest.update(f.read())
    with open(get_template(SW_TEMPLATE).origin.name, "rb") as f:
        digest.update(f.read())
    digest.update(" ".join(asset_urls()).encode())
    return digest.hexdigest()[:12]
