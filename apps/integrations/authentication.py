"""API key authentication: `Authorization: Bearer <key>` or `X-Api-Key: <key>`.

A request authenticated by a key has `request.auth` = the ApiKey and `request.user` = an
anonymous user: no person acted, so code that needs a person (or checks `IsAuthenticated`)
refuses it by default, and API views state what keys may do through `HasScope`.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from apps.core.errors import ApplicationError
from apps.integrations.models import ApiKey
from apps.integrations.services import api_key_authenticate

BEARER = b"bearer"
KEY_HEADER = "HTTP_X_API_KEY"


class ApiKeyAuthentication(BaseAuthentication):
    """Authenticate an integration by its API key; leave requests without one to other classes."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiKey] | None:
        plain = self._presented_key(request)
        if plain is None:
            return None
        try:
            key = api_key_authenticate(plain=plain)
        except ApplicationError as error:
            raise AuthenticationFailed(error.message) from None
        return AnonymousUser(), key

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) when credentials are missing or wrong.
        return 'Bearer realm="api"'

    @staticmethod
    def _presented_key(request: Request) -> str | None:
        header_key = request.META.get(KEY_HEADER, "").strip() or None
        parts = get_authorization_header(request).split()
        bearer_key = None
        if parts and parts[0].lower() == BEARER:
            if len(parts) != 2:
                raise AuthenticationFailed(_("Send the key as: Authorization: Bearer <key>."))
            try:
                bearer_key = parts[1].decode("ascii")
            except UnicodeDecodeError:
                raise AuthenticationFailed(_("Invalid API key.")) from None
        if header_key and bearer_key and header_key != bearer_key:
            raise AuthenticationFailed(_("Send one API key, not two different ones."))
        return bearer_key or header_key
