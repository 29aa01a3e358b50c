from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import MeSerializer, RegisterSerializer, TokenRequestSerializer, TokenSerializer
from config.authentication import delete_expired_tokens
from config.throttling import ScopedRateThrottle, UsernameRateThrottle


class AuthThrottleMixin:
    """Register and token share the `auth` scope, counted per client IP."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterView(AuthThrottleMixin, APIView):
    @extend_schema(request=RegisterSerializer, responses={201: RegisterSerializer})
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                user = serializer.save()
                _, token = AuthToken.objects.create(user)
        except IntegrityError:  # the same username registered a moment ago by another request
            raise ValidationError({"username": ["That username is taken."]}) from None
        return Response({"id": user.id, "username": user.username, "token": token}, status=status.HTTP_201_CREATED)


class TokenView(AuthThrottleMixin, APIView):
    # Per client address (`auth`), and per username whatever the address.
    throttle_classes = [ScopedRateThrottle, UsernameRateThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        delete_expired_tokens(user)  # the token check leaves them (config.authentication)
        instance, token = AuthToken.objects.create(user)
        return Response({"token": token, "expires_at": instance.expiry})


class LogoutView(APIView):
    """Revoke the token this request was made with."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        return self.request.user
