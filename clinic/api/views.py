"""The care-team API: thin views over clinic.services, scoped by clinic.access."""

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic import services
from clinic.access import is_physio, links_of_patient, patient_alert_or_404, record_reads
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
from config.throttling import UserRateThrottle

NOT_A_PHYSIO = OpenApiResponse(description="Not a physiotherapist, or not yours to see.")


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
