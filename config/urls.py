from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = "Rebound admin"
admin.site.site_title = "Rebound admin"

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("clinic/", include("clinic.urls")),
    path("", include("config.api")),
    path("", include("web.urls")),
]

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
