from django.urls import path

from web import views

urlpatterns = [
    path("", views.today, name="today"),
    path("workouts/new/", views.workout_new, name="workout-new"),
    path("plan/", views.plan, name="plan"),
    path("alerts/", views.alerts, name="alerts"),
    path("history/", views.history, name="history"),
    path("settings/", views.settings_page, name="settings"),
    path("signin/", views.signin, name="signin"),
    path("signup/", views.signup, name="signup"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
