from django.urls import path
from rest_framework.routers import SimpleRouter

from clinic.api import patients, views

router = SimpleRouter(use_regex_path=False)
router.register("care-team", views.CareTeamViewSet, basename="care-team")

urlpatterns = [
    path("clinic/patients/", patients.PatientListView.as_view(), name="clinic-patient-list"),
    path("clinic/patients/<int:patient_id>/", patients.PatientDetailView.as_view(), name="clinic-patient-detail"),
    path("clinic/invitations/", views.InvitationView.as_view(), name="clinic-invitations"),
    path("clinic/alerts/<int:alert_id>/resolve/", views.ResolveAlertView.as_view(), name="clinic-alert-resolve"),
    path("clinic/patients/<int:patient_id>/export/", views.PatientExportView.as_view(), name="clinic-patient-export"),
    path("me/export/", views.MyExportView.as_view(), name="me-export"),
    path("me/access-log/", views.AccessLogView.as_view(), name="access-log"),
    *router.urls,
]
