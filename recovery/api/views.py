from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from advice.api.serializers import RecoverySerializer
from advice.services import STATE_FIELDS, recovery_entry
from recovery.access import own_alerts
from recovery.api.serializers import AlertSerializer
from recovery.enqueue import evaluate_after_commit
from recovery.evaluation import recovery_state
from tracker.access import owned_workouts
from tracker.models import Workout


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
        alert = self.get_object()
        if alert.acknowledged_at is None:
            type(alert).objects.filter(pk=alert.pk, acknowledged_at=None).update(acknowledged_at=timezone.now())
            alert.refresh_from_db(fields=["acknowledged_at"])
        return Response(AlertSerializer(alert).data)


class CloseRecoveryView(APIView):
    """The user marks the episode recovered (a later painful log reopens it)."""

    @extend_schema(request=None, responses=RecoverySerializer)
    def post(self, request, workout_id):
        workout = get_object_or_404(owned_workouts(request.user).only(*STATE_FIELDS), pk=workout_id)
        today = request.user.local_today()
        state = recovery_state(workout)
        if state["open"]:
            Workout.objects.filter(pk=workout.pk).update(
                episode_opened_on=state["episode_opened_on"],
                episode_closed_on=today,
                closed_by_user=True,
                evaluation_due_at=timezone.now(),
            )
            workout.episode_closed_on, workout.closed_by_user = today, True
            evaluate_after_commit(workout.pk)
        return Response(RecoverySerializer(recovery_entry(workout, today)).data)
