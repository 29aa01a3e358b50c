from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from config.pagination import Pagination
from notifications import vapid
from notifications.api.serializers import (
    NotificationSerializer,
    PublicKeySerializer,
    ReadAllSerializer,
    SubscriptionOutSerializer,
    SubscriptionSerializer,
    UnsubscribeSerializer,
)
from notifications.models import Notification, PushSubscription

PUSH_OFF = OpenApiResponse(description="Web Push is off on this server (no VAPID keys configured).")


class WebPushOff(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Web Push is off on this server; the in-app feed still has every notification."
    default_code = "web_push_off"


class PushKeyView(APIView):
    @extend_schema(responses={200: PublicKeySerializer, 503: PUSH_OFF})
    def get(self, request):
        """The VAPID public key to subscribe with (PushManager.subscribe's applicationServerKey)."""
        keys = vapid.keys()
        if keys is None:
            raise WebPushOff()
        return Response({"public_key": keys.public_key})


class PushSubscriptionView(APIView):
    @extend_schema(request=SubscriptionSerializer, responses={201: SubscriptionOutSerializer, 503: PUSH_OFF})
    def post(self, request):
        """Save the caller's browser subscription (PushSubscription.toJSON()); the same endpoint again
        replaces it, keys and owner. 201 either way."""
        if vapid.keys() is None:
            raise WebPushOff()
        serializer = SubscriptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        now = timezone.now()
        # One statement, decided by the unique endpoint: two racing requests land on one row.
        PushSubscription.objects.bulk_create(
            [
                PushSubscription(
                    user=request.user, endpoint=data["endpoint"], p256dh=data["keys"]["p256dh"],
                    auth=data["keys"]["auth"], created_at=now, updated_at=now,
                )
            ],
            update_conflicts=True,
            unique_fields=["endpoint"],
            update_fields=["user", "p256dh", "auth", "updated_at"],
        )  # fmt: skip
        subscription = PushSubscription.objects.get(endpoint=data["endpoint"])
        return Response(SubscriptionOutSerializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UnsubscribeSerializer, responses={204: None})
    def delete(self, request):
        """Forget the caller's subscription with this endpoint (404 if the caller has none)."""
        serializer = UnsubscribeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deleted, _ = PushSubscription.objects.filter(
            user=request.user, endpoint=serializer.validated_data["endpoint"]
        ).delete()
        if not deleted:
            return Response({"detail": "No such subscription."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FeedPagination(Pagination):
    """The usual page, with the caller's unread count beside it."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread"] = self.unread
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["unread"] = {"type": "integer", "description": "The caller's unread notifications."}
        schema["required"] = [*schema.get("required", []), "unread"]
        return schema


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's in-app feed, newest first, with the unread count."""

    serializer_class = NotificationSerializer
    pagination_class = FeedPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).order_by("-created_at", "-id")

    def list(self, request, *args, **kwargs):
        self.paginator.unread = self.get_queryset().filter(read_at=None).count()
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one notification read. Repeating it keeps the first time."""
        notification = self.get_object()
        if notification.read_at is None:
            Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())
            notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark every unread notification of the caller read."""
        unread = self.get_queryset().filter(read_at=None)
        marked = unread.update(read_at=timezone.now())
        return Response({"marked": marked, "unread": unread.count()})
