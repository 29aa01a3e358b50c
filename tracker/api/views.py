from django.db.models import Max, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from config.fields import parse_iso_date
from recovery.enqueue import evaluate_after_commit
from recovery.evaluation import LOG_FACT_FIELDS, triage
from tracker.access import owned_workouts
from tracker.api.serializers import PainLogSerializer, SavedPainLogSerializer, WorkoutSerializer
from tracker.services import delete_workout, save_log, save_workout

TRIAGE_FIELDS = ("id", "owner_id", "performed_on", "episode_closed_on", "closed_by_user")
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
        for workout_id in delete_workout(instance):
            evaluate_after_commit(workout_id)

    def _save(self, serializer, instance=None):
        fields = dict(serializer.validated_data)
        exercises = fields.pop("exercises", None)
        workout, to_evaluate = save_workout(self.request.user, fields, exercises, instance)
        for workout_id in to_evaluate:
            evaluate_after_commit(workout_id)
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
        workout = get_object_or_404(owned_workouts(request.user).only(*TRIAGE_FIELDS), pk=workout_id)
        day = self._day(logged_on)
        log = get_object_or_404(workout.logs, logged_on=day)
        return Response(PainLogSerializer(log).data)

    @extend_schema(
        parameters=[LOGGED_ON],
        request=PainLogSerializer,
        responses={200: SavedPainLogSerializer, 201: SavedPainLogSerializer},
    )
    def put(self, request, workout_id, logged_on):
        workout = get_object_or_404(
            owned_workouts(request.user)
            .only(*TRIAGE_FIELDS)
            .annotate(open_alert_level=Max("alerts__level", filter=Q(alerts__resolved_at__isnull=True))),
            pk=workout_id,
        )
        day = self._day(logged_on)
        serializer = PainLogSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        today = request.user.local_today()
        if day > today:
            raise ValidationError({"logged_on": [f"{day} is after your today ({today}, {request.user.timezone})."]})
        if day < workout.performed_on:
            raise ValidationError(
                {"logged_on": [f"{day} is before the workout ({workout.performed_on}); log days on or after it."]}
            )
        # The other days' logs are read first, so the triage below needs no read after the write.
        other_days = list(workout.logs.exclude(logged_on=day).values(*LOG_FACT_FIELDS))
        fields = serializer.validated_fields()
        log, created = save_log(workout, day, fields)
        evaluate_after_commit(workout.pk)
        this_day = {name: fields[name] for name in LOG_FACT_FIELDS if name != "logged_on"}
        log.triage = triage(
            workout,
            log_rows=[*other_days, {"logged_on": day, **this_day}],
            open_levels=[] if workout.open_alert_level is None else [workout.open_alert_level],
        )
        return Response(
            SavedPainLogSerializer(log).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
