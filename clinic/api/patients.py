from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from clinic.access import linked_patient_or_404, record_reads
from clinic.api.patient_serializers import PatientRecordSerializer, PatientRowSerializer
from clinic.api.views import NOT_A_PHYSIO, PhysioOnlyMixin
from clinic.dashboard import dashboard
from clinic.episodes import episodes_and_notes
from clinic.models import Access


class PhysioView(PhysioOnlyMixin, GenericAPIView):
    pagination_class = None


class PatientListView(PhysioView):
    """The linked patients, most urgent first (the dashboard's order and figures)."""

    serializer_class = PatientRowSerializer

    @extend_schema(responses={200: PatientRowSerializer(many=True), 404: NOT_A_PHYSIO})
    def get(self, request):
        rows = dashboard(request.user)
        record_reads(request.user, [row.id for row in rows], Access.API_LIST, request.path)
        return Response(PatientRowSerializer(rows, many=True).data)


class PatientDetailView(PhysioView):
    """A linked patient's workouts (each with its recovery, logs and alerts) and clinical notes."""

    serializer_class = PatientRecordSerializer

    @extend_schema(responses={200: PatientRecordSerializer, 404: NOT_A_PHYSIO})
    def get(self, request, patient_id):
        patient = linked_patient_or_404(request.user, patient_id)
        episodes, notes = episodes_and_notes(request.user, patient)
        record_reads(request.user, [patient.pk], Access.API_DETAIL, request.path)
        return Response(PatientRecordSerializer({"patient": patient, "episodes": episodes, "notes": notes}).data)
