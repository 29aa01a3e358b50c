from django.urls import path

from advice.api import views

urlpatterns = [
    path("workouts/<uuid:workout_id>/recovery/", views.RecoveryView.as_view(), name="workout-recovery"),
    path(
        "workouts/<uuid:workout_id>/recovery/close/", views.CloseRecoveryView.as_view(), name="workout-recovery-close"
    ),
    path("workouts/<uuid:workout_id>/plan/", views.PlanView.as_view(), name="workout-plan"),
    path("recovery/today/", views.TodayView.as_view(), name="recovery-today"),
]
