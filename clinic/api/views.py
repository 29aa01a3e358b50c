"""The care-team API: thin views over clinic.services, scoped by clinic.access."""

from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic import services
from clinic.access import is_physio, linked_patient_or_404, links_of_patient, patient_alert_or_404, record_reads
from clinic.api.renderers import EXPORT_RENDERERS, FORMATS
from clinic.api.serializers import (
    AccessLogEntrySerializer,
    CareLinkSerializer,
    ClinicAlertSerializer,
    CodeSerializer,
    InvitationSerializer,
    ResolveSerializer,
)
from clinic.api.throttling import InvitationCodeThrottle
from clinic.models import Access, AccessLogEntry
from clinic.records import patient_record
from config.schema import DETAIL, FIELD_ERRORS
from config.throttling import UserRateThrottle

NOT_A_PHYSIO = OpenApiResponse(DETAIL, description="Not a physiotherapist, or not yours to see.")


class PhysioOnlyMixin:
    """Clinic endpoints exist only for physiotherapists: anyone else gets a 404, never a 403."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not is_physio(request.user):
            raise Http404


class InvitationView(PhysioOnlyMixin, APIView):
    @extend_schema(request=None, responses={201: InvitationSerializer, 404: NOT_A_PHYSIO})
    def post(self, request):
        """A new invitation code: single use, valid for 7 days. Give it to one patient."""
        invitation = services.create_invitation(request.user)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class CareTeamViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The caller's care team: the physiotherapists they linked, newest first, revoked ones too."""

    serializer_class = CareLinkSerializer
    lookup_value_converter = "int"
    throttle_classes = [UserRateThrottle, InvitationCodeThrottle]

    def get_queryset(self):
        return links_of_patient(self.request.user).select_related("physio").order_by("-created_at", "-id")

    @extend_schema(
        request=CodeSerializer,
        responses={
            201: CareLinkSerializer,
            200: OpenApiResponse(CareLinkSerializer, description="Already linked to this physiotherapist."),
        },
    )
    def create(self, request):
        """Link a physiotherapist by the invitation code they gave you."""
        serializer = CodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            accepted = services.accept_invitation(request.user, serializer.validated_data["code"])
        except services.Refused as refused:
            raise ValidationError({refused.field: [refused.message]}) from None
        code = status.HTTP_201_CREATED if accepted.created else status.HTTP_200_OK
        return Response(CareLinkSerializer(accepted.link).data, status=code)

    def destroy(self, request, pk=None):
        """Revoke the link: the physiotherapist's access ends with their next request."""
        services.revoke_link(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccessLogView(generics.ListAPIView):
    """Who on your care team read your data, what and when: newest first."""

    serializer_class = AccessLogEntrySerializer

    def get_queryset(self):
        return AccessLogEntry.objects.filter(patient=self.request.user).order_by("-at", "-id")


class ResolveAlertView(PhysioOnlyMixin, APIView):
    @extend_schema(request=ResolveSerializer, responses={200: ClinicAlertSerializer})
    def post(self, request, alert_id):
        """Resolve an alert of a linked patient, with an optional note. Repeating it keeps the first
        resolution."""
        alert = patient_alert_or_404(request.user, alert_id)
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            record_reads(request.user, [alert.workout.owner_id], Access.API_DETAIL, request.path)
            services.resolve_alert(alert, request.user, serializer.validated_data.get("note", ""))
        return Response(ClinicAlertSerializer(alert).data)


EXPORT_READS = {"json": Access.EXPORT_JSON, "csv": Access.EXPORT_CSV, "fhir": Access.EXPORT_FHIR}
EXPORT_SCHEMA = extend_schema(
    parameters=[
        OpenApiParameter(
            "format",
            str,
            enum=FORMATS,
            description="json (the default), csv (one spreadsheet file) or fhir (an HL7 FHIR R4 Bundle, "
            "application/fhir+json). Without it the Accept header chooses: text/csv, application/fhir+json.",
        )
    ],
    responses={
        (200, "application/json"): OpenApiTypes.OBJECT,
        (200, "text/csv"): OpenApiTypes.STR,
        (200, "application/fhir+json"): OpenApiTypes.OBJECT,
        400: FIELD_ERRORS,
    },
)


class ExportMixin:
    """`?format=` picks the renderer whatever the Accept header says (a bad one is a 400 naming it);
    without it the Accept header does, and anything it does not name gets JSON."""

    renderer_classes = EXPORT_RENDERERS

    def perform_content_negotiation(self, request, force=False):
        wanted = request.query_params.get("format")
        renderers = self.get_renderers()
        if wanted is None:
            return super().perform_content_negotiation(request, force=True)
        for renderer in renderers:
            if renderer.format == wanted:
                return renderer, renderer.media_type
        if force:
            return renderers[0], renderers[0].media_type
        raise ValidationError({"format": [f"Must be one of {', '.join(FORMATS)}."]})

    def finalize_response(self, request, response, *args, **kwargs):
        # Only a record is CSV or FHIR; errors and OPTIONS' description go out as JSON.
        if isinstance(response, Response) and not (isinstance(response.data, dict) and "patient" in response.data):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def export(self, request, patient, **record_options):
        response = Response(patient_record(patient, **record_options))
        day = response.data["exported_at"].date().isoformat()
        extension = {"fhir": "fhir.json"}.get(request.accepted_renderer.format, request.accepted_renderer.format)
        response["Content-Disposition"] = f'attachment; filename="rebound-{patient.pk}-{day}.{extension}"'
        return response


class MyExportView(ExportMixin, APIView):
    @EXPORT_SCHEMA
    def get(self, request):
        """All of your data: profile, workouts, logs, where each recovery stands, alerts, care team and
        access log."""
        return self.export(request, request.user, own=True)


class PatientExportView(PhysioOnlyMixin, ExportMixin, APIView):
    @EXPORT_SCHEMA
    def get(self, request, patient_id):
        """A linked patient's record, with your clinical notes. The read is written to their access log."""
        with transaction.atomic():
            patient = linked_patient_or_404(request.user, patient_id)
            record_reads(request.user, [patient.pk], EXPORT_READS[request.accepted_renderer.format], request.path)
            return self.export(request, patient)
