"""A token for a persona, and a client that sends it."""

from rest_framework.test import APIClient

from setia.api.actions import create_token
from setia.api.models import ApiToken


def token_client(user, scope: str = ApiToken.Scope.WRITE, **fields) -> APIClient:
    """An API client sending a new token of `user` with `scope`."""
    _token, secret = create_token(
        user=user, name="test", scope=scope, expires_at=fields.pop("expires_at", None), **fields
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client
