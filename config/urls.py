from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from config.health import healthz

admin.site.site_header = "Rebound admin"
admin.site.site_title = "Rebound admin"

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("clinic/", include("clinic.urls")),
    path("", include("config.api")),
]

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
