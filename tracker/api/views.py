from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from config.fields import parse_iso_date
from recovery.evaluation import assess, found_for_a_log, log_fact, reading_for_a_log
from tracker.access import owned_workouts
from tracker.api.serializers import (
    PainLogSerializer,
    SavedPainLogSerializer,
    WorkoutSerializer,
    validated_log_fields,
)
from tracker.services import delete_workout, save_log, save_workout

LOGGED_ON = OpenApiParameter(
    "logged_on", OpenApiTypes.DATE, OpenApiParameter.PATH, description="The local day of the log, YYYY-MM-DD."
)


class WorkoutViewSet(viewsets.ModelViewSet):
    """The caller's workouts, newest first."""

    serializer_class = WorkoutSerializer
    lookup_value_converter = "uuid"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return owned_workouts(self.request.user).prefetch_related("exercises")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": self.request.user.local_today()}

    def perform_create(self, serializer):
        serializer.instance = self._save(serializer)

    def perform_update(self, serializer):
        serializer.instance = self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        delete_workout(instance)

    def _save(self, serializer, instance=None):
        fields = dict(serializer.validated_data)
        exercises = fields.pop("exercises", None)
        workout = save_workout(self.request.user, fields, exercises, instance)
        return self.get_queryset().get(pk=workout.pk)


class WorkoutLogsView(APIView):
    """A workout's daily logs, oldest first."""

    @extend_schema(responses=PainLogSerializer(many=True))
    def get(self, request, workout_id):
        workout = get_object_or_404(owned_workouts(request.user), pk=workout_id)
        logs = workout.logs.order_by("logged_on")
        return Response(PainLogSerializer(logs, many=True).data)


class WorkoutLogView(APIView):
    """One day's log of a workout: PUT creates (201) or replaces (200) it; replays are harmless."""

    @staticmethod
    def _day(logged_on):
        try:
            return parse_iso_date(logged_on)
        except ValidationError as exc:
            raise ValidationError({"logged_on": exc.detail}) from None

    @extend_schema(parameters=[LOGGED_ON], responses=PainLogSerializer)
    def get(self, request, workout_id, logged_on):
        workout = get_object_or_404(owned_workouts(request.user).only("id", "performed_on"), pk=workout_id)
        day = self._day(logged_on)
        log = get_object_or_404(workout.logs, logged_on=day)
        return Response(PainLogSerializer(log).data)

    @extend_schema(
        parameters=[LOGGED_ON],
        request=PainLogSerializer,
        responses={200: SavedPainLogSerializer, 201: SavedPainLogSerializer},
    )
    def put(self, request, workout_id, logged_on):
        user = request.user
        try:
            day = self._day(logged_on)
            fields = validated_log_fields(request.data)
            today = user.local_today()
            if day > today:
                raise ValidationError({"logged_on": [f"{day} is after your today ({today}, {user.timezone})."]})
        except APIException:  # a body or a date refused (400), malformed JSON (400), a media type (415)
            if not owned_workouts(user).filter(pk=workout_id).exists():
                raise Http404 from None  # another user's workout: not found, whatever the body
            raise
        # The log's write, and what the triage reads of the workout as it was before: one
        # statement, which writes only if the workout is the caller's and begins by the day.
        log, created, rows = save_log(user, workout_id, day, fields, reading=reading_for_a_log(user, workout_id))
        found = found_for_a_log(rows)
        if found is None:
            raise Http404
        workout, logs, alert_reasons = found
        if log is None:
            raise ValidationError(
                {"logged_on": [f"{day} is before the workout ({workout.performed_on}); log days on or after it."]}
            )
        log.workout = workout
        logs = {workout.pk: [*(other for other in logs if other.logged_on != day), log_fact(log)]}
        log.triage = assess([workout], logs, alert_reasons)[workout.pk].triage
        return Response(
            SavedPainLogSerializer(log).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
