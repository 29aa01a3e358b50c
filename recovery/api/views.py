from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recovery.access import own_alerts
from recovery.api.serializers import AlertSerializer


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's alerts, newest first."""

    serializer_class = AlertSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        return own_alerts(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Mark the alert as seen. Repeating it keeps the first time."""
        return Response(AlertSerializer(self.get_object().acknowledge()).data)
