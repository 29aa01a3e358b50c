from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from advice.api.serializers import PlanDaySerializer, RecoverySerializer
from advice.services import recoveries, todays_recoveries, user_workout, whole_plan
from recovery.evaluation import assess
from recovery.state import close_by_user


def _workout(request, workout_id):
    workout = user_workout(request.user, workout_id)
    if workout is None:
        raise Http404
    return workout


class RecoveryView(APIView):
    """Where the recovery after one workout stands today: level, reasons, episode, today's
    plan and prevention tips."""

    @extend_schema(responses=RecoverySerializer)
    def get(self, request, workout_id):
        workout = _workout(request, workout_id)
        (resource,) = recoveries(request.user.pk, [workout], request.user.local_today())
        return Response(RecoverySerializer(resource).data)


class CloseRecoveryView(APIView):
    """The user marks the episode recovered (a later log with pain or a sign reopens it)."""

    @extend_schema(request=None, responses=RecoverySerializer)
    def post(self, request, workout_id):
        workout = _workout(request, workout_id)
        today, now = request.user.local_today(), timezone.now()
        if assess([workout])[workout.pk].open:
            close_by_user(workout.pk, today, now)
            workout.closed_by_user_on, workout.closed_by_user_at = today, now
        (resource,) = recoveries(request.user.pk, [workout], today)
        return Response(RecoverySerializer(resource).data)


class PlanView(APIView):
    """The whole plan, days 0-7: each past day as it stood then, today, the usual course after."""

    @extend_schema(responses=PlanDaySerializer(many=True))
    def get(self, request, workout_id):
        plan = whole_plan(_workout(request, workout_id), request.user.local_today())
        return Response(PlanDaySerializer(plan, many=True).data)


class TodayView(APIView):
    """One entry per open recovery episode, most urgent first: what to do today."""

    @extend_schema(responses=RecoverySerializer(many=True))
    def get(self, request):
        return Response(RecoverySerializer(todays_recoveries(request.user, request.user.local_today()), many=True).data)
