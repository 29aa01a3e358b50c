"""The PWA's pages, its manifest and its service worker.

Each page is the same markup for everyone (its data comes from the API in the browser), so the
service worker can keep it for offline use without keeping anyone's data in it.
"""

import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

from web import shell

THEME_COLOUR = "#0b5f5b"
BACKGROUND_COLOUR = "#f6f8f9"


def page(template, *, title, private=True):
    """A view rendering one screen; a private one sends a signed-out visitor to sign in."""

    @require_safe
    @ensure_csrf_cookie
    def view(request):
        if private and not request.user.is_authenticated:
            return redirect(f"/signin/?next={request.path}")
        return render(request, template, {"title": title, "theme_colour": THEME_COLOUR})

    return view


today = page("web/today.html", title="Today")
workout_new = page("web/workout_new.html", title="Log a workout")
plan = page("web/plan.html", title="Today's plan")
alerts = page("web/alerts.html", title="Alerts")
history = page("web/history.html", title="History")
settings_page = page("web/settings.html", title="Settings")
signin = page("web/signin.html", title="Sign in", private=False)
signup = page("web/signup.html", title="Sign up", private=False)


@require_safe
@never_cache
def service_worker(request):
    """/sw.js, served from the site's root so its scope is the whole site."""
    context = {
        "version": shell.version(),
        "assets": json.dumps([*shell.asset_urls(), "/manifest.webmanifest"]),
        "public_pages": json.dumps(shell.PUBLIC_PAGES),
        "app_pages": json.dumps(shell.APP_PAGES),
        "outbox_url": json.dumps(static("js/outbox.js")),
        "icon_url": json.dumps(static("icons/icon-192.png")),
    }
    return render(request, shell.SW_TEMPLATE, context, content_type="text/javascript; charset=utf-8")


@require_safe
def manifest(request):
    data = {
        "id": "/",
        "name": "Rebound: back-pain recovery",
        "short_name": "Rebound",
        "description": "Log how your back feels after training, get each day's recovery plan and warning-sign alerts.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("icons/maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    response = HttpResponse(json.dumps(data), content_type="application/manifest+json")
    response["Cache-Control"] = "max-age=3600"
    return response
