from django.urls import path

from clinic.api import views

urlpatterns = [
    path("clinic/patients/", views.PatientListView.as_view(), name="clinic-patient-list"),
    path("clinic/patients/<int:patient_id>/", views.PatientDetailView.as_view(), name="clinic-patient-detail"),
]
