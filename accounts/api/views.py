from django.contrib.auth import login, logout
from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import (
    MeSerializer,
    RegisterSerializer,
    SessionUserSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from config.authentication import delete_expired_tokens
from config.throttling import ScopedRateThrottle, UsernameRateThrottle


def register(data, with_token):
    """Make the account (and, for an API client, its token, in the same transaction); return
    (user, token or None). A clash with a username taken a moment ago is a 400 naming it."""
    serializer = RegisterSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    try:
        with transaction.atomic():
            user = serializer.save()
            token = AuthToken.objects.create(user)[1] if with_token else None
    except IntegrityError:  # the same username registered a moment ago by another request
        raise ValidationError({"username": ["That username is taken."]}) from None
    return user, token


class AuthThrottleMixin:
    """Register and token share the `auth` scope, counted per client IP."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterView(AuthThrottleMixin, APIView):
    @extend_schema(request=RegisterSerializer, responses={201: RegisterSerializer})
    def post(self, request):
        user, token = register(request.data, with_token=True)
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


class SessionMixin(AuthThrottleMixin):
    """The same-origin PWA signs in with the session cookie: no token ever reaches the browser.

    CSRF is checked although no one is signed in yet (Django's own login form does the same):
    another site must not sign a visitor in to an account of its choosing.
    """

    def check_csrf(self, request):
        SessionAuthentication().enforce_csrf(request)


CSRF_REFUSED = OpenApiResponse(description="The CSRF cookie and X-CSRFToken header are missing or do not match.")


class SessionView(SessionMixin, APIView):
    throttle_classes = [ScopedRateThrottle, UsernameRateThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: SessionUserSerializer, 403: CSRF_REFUSED})
    def post(self, request):
        """Sign in: starts a session (cookie) for the same-origin PWA."""
        self.check_csrf(request)
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        login(request._request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(SessionUserSerializer(user).data)


class SessionRegisterView(SessionMixin, APIView):
    @extend_schema(request=RegisterSerializer, responses={201: SessionUserSerializer, 403: CSRF_REFUSED})
    def post(self, request):
        """Sign up: makes the account and starts a session, with no API token."""
        self.check_csrf(request)
        user, _ = register(request.data, with_token=False)
        login(request._request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(SessionUserSerializer(user).data, status=status.HTTP_201_CREATED)


class SessionLogoutView(APIView):
    """End this browser's session (the PWA's sign out); API tokens are untouched."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
