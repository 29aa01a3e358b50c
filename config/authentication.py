"""API token authentication: knox's tokens, checked in one query.

knox's own check reads the token, then every token of its user (deleting the expired ones,
one statement each) on every request: three queries or more where one does. Here an
expired token is refused as knox refuses it ("Invalid token.") and left in place; the
sign-in endpoints delete a user's expired tokens (`delete_expired_tokens`). Use still
refreshes the expiry (knox's AUTO_REFRESH, written at most once per MIN_REFRESH_INTERVAL).

knox decodes the token as UTF-8; a header carrying other bytes ("Token caf\\xe9") made it
raise UnicodeDecodeError. A token is ASCII (hex), so anything else is simply not a token.
"""

import binascii
from hmac import compare_digest

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token):
        if isinstance(token, bytes):
            if not token.isascii():
                raise AuthenticationFailed("Invalid token.")
            token = token.decode()
        now = timezone.now()
        candidates = get_token_model().objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH])
        for auth_token in candidates.select_related("user"):
            if auth_token.expiry is not None and auth_token.expiry < now:
                continue
            try:
                digest = hash_token(token)
            except (TypeError, binascii.Error):
                raise AuthenticationFailed("Invalid token.") from None
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise AuthenticationFailed("Invalid token.")


def delete_expired_tokens(user):
    """Delete the user's expired tokens (at sign-in: the check above leaves them in place)."""
    get_token_model().objects.filter(user=user, expiry__lt=timezone.now()).delete()


class TokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme of this subclass: knox's, `Authorization: Token <key>`."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
