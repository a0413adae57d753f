"""`Authorization: Token <key>` (or `Bearer <key>`) for scripts; the session for the console."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS

from contactcenter.api.models import ApiToken

SCHEMES = {b"token", b"bearer"}
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is informative; no write per request


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in SCHEMES:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Authorization: Token <key>, with one key.")
        token = ApiToken.find(parts[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API token.")
        now = timezone.now()
        if token.expired(now):
            raise exceptions.AuthenticationFailed("This API token has expired.")
        needed = "read" if request.method in SAFE_METHODS else "write"
        if not token.allows(needed):
            raise exceptions.PermissionDenied(f"This API token lacks the {needed} scope.")
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return "Token"


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: a key from Django admin → API tokens.",
        }
