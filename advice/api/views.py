from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from advice.api.serializers import PlanDaySerializer, RecoverySerializer
from advice.services import STATE_FIELDS, open_episodes_today, recovery_entry, whole_plan
from tracker.access import owned_workouts


def _workout(request, workout_id):
    return get_object_or_404(owned_workouts(request.user).only(*STATE_FIELDS), pk=workout_id)


class RecoveryView(APIView):
    """Where the recovery after one workout stands today: level, reasons, episode, today's
    plan and prevention tips."""

    @extend_schema(responses=RecoverySerializer)
    def get(self, request, workout_id):
        entry = recovery_entry(_workout(request, workout_id), request.user.local_today())
        return Response(RecoverySerializer(entry).data)


class PlanView(APIView):
    """The whole plan, days 0-7: your logged pain up to today, the usual course after it."""

    @extend_schema(responses=PlanDaySerializer(many=True))
    def get(self, request, workout_id):
        plan = whole_plan(_workout(request, workout_id), request.user.local_today())
        return Response(PlanDaySerializer(plan, many=True).data)


class TodayView(APIView):
    """One entry per open recovery episode, most urgent first: what to do today."""

    @extend_schema(responses=RecoverySerializer(many=True))
    def get(self, request):
        entries = open_episodes_today(request.user, request.user.local_today())
        return Response(RecoverySerializer(entries, many=True).data)
