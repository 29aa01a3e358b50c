from django.urls import path
from rest_framework.routers import SimpleRouter

from tracker.api import views

router = SimpleRouter(use_regex_path=False)
router.register("workouts", views.WorkoutViewSet, basename="workout")
router.include_format_suffixes = False

urlpatterns = [
    *router.urls,
    path("workouts/<uuid:workout_id>/logs/", views.WorkoutLogsView.as_view(), name="workout-logs"),
    path("workouts/<uuid:workout_id>/logs/<str:logged_on>/", views.WorkoutLogView.as_view(), name="workout-log"),
]
