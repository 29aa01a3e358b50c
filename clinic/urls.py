from django.contrib.auth import views as auth_views
from django.urls import path

from clinic import views

app_name = "clinic"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="clinic/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="clinic:login"), name="logout"),
    path("", views.dashboard_page, name="dashboard"),
    path("patients/<int:patient_id>/", views.patient_page, name="patient"),
    path("patients/<int:patient_id>/notes/", views.note, name="note"),
    path("patients/<int:patient_id>/alerts/<int:alert_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("patients/<int:patient_id>/alerts/<int:alert_id>/resolve/", views.resolve, name="resolve"),
]
