"""The one router module: every app's API under /api/v1/, plus the schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("api/v1/", include("accounts.api.urls")),
    path("api/v1/", include("tracker.api.urls")),
    path("api/v1/", include("recovery.api.urls")),
    path("api/v1/", include("advice.api.urls")),
    path("api/v1/", include("notifications.api.urls")),
    path("api/v1/", include("clinic.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
