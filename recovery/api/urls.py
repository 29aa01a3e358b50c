from rest_framework.routers import SimpleRouter

from recovery.api import views

router = SimpleRouter(use_regex_path=False)
router.register("alerts", views.AlertViewSet, basename="alert")

urlpatterns = router.urls
