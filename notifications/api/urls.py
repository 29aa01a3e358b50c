from django.urls import path
from rest_framework.routers import SimpleRouter

from notifications.api import views

router = SimpleRouter(use_regex_path=False)
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("push/key/", views.PushKeyView.as_view(), name="push-key"),
    path("push/subscriptions/", views.PushSubscriptionView.as_view(), name="push-subscriptions"),
    *router.urls,
]
