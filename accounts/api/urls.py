from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="register"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/session/", views.SessionView.as_view(), name="session"),
    path("auth/session/register/", views.SessionRegisterView.as_view(), name="session-register"),
    path("auth/session/logout/", views.SessionLogoutView.as_view(), name="session-logout"),
    path("me/", views.MeView.as_view(), name="me"),
]
