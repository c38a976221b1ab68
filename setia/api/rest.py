"""The API's plumbing: token authentication, the role and scope check, the per-token rate
limit, cursor pages, `fields` selection, ETags and idempotency keys. The views in `views.py`
only name their permissions and call the apps' actions."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from setia.accounts.models import Role
from setia.api.actions import note_use
from setia.api.models import ApiToken, IdempotentRequest, token_digest
from setia.lib.ratelimits import count_request


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer setia_…`: the token's person, with the token as `request.auth`.

    An unknown, revoked or expired token is refused (401) rather than treated as anonymous, so
    a client learns at once that its token stopped working."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as: Authorization: Bearer <token>.")
            )
        secret = header[1].decode(errors="replace")
        try:
            # The digest is unique: get() asks for it without the tokens' default ordering
            # (first() would sort the one row it finds).
            token = (
                ApiToken.objects.usable()
                .select_related("user", "user__team")
                .get(digest=token_digest(secret))
            )
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(
                _("This token is not valid: it is unknown, revoked or expired.")
            ) from None
        note_use(token=token)
        if token.user.language and not request.headers.get("Accept-Language"):
            # A program that asks for no language gets its person's, as their pages do.
            translation.activate(token.user.language)
            request._request.LANGUAGE_CODE = token.user.language
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class RoleAndScope(BasePermission):
    """The person's role decides what they may do, as on the pages (the view's
    `required_permissions` per method); a read-only token may only read, and a service token
    only push metrics."""

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None and token.scope == ApiToken.Scope.METRICS:
            self.message = _("This token may only push metrics.")
            return False
        if token is not None and request.method not in SAFE_METHODS and not token.can_write:
            self.message = _("This token is read-only.")
            return False
        method = "GET" if request.method == "HEAD" else request.method
        needed = getattr(view, "required_permissions", {}).get(method)
        self.message = _("Your role does not allow this.")
        return needed is None or request.user.has_perm(needed)


class MetricsPushAccess(BasePermission):
    """The metrics push: a service token (scope metrics), or an administrator (with a write
    token or the signed-in session to push; any of their tokens to read a push's job)."""

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None and token.scope == ApiToken.Scope.METRICS:
            return True
        if token is not None and request.method not in SAFE_METHODS and not token.can_write:
            self.message = _("This token is read-only.")
            return False
        self.message = _("Only a service token or an administrator may push metrics.")
        return request.user.role == Role.ADMIN


class TokenRateThrottle(BaseThrottle):
    """`RATE_LIMIT_API` requests per token (per person for the signed-in session), counted in
    the rate-limit cache like the pages' limits; over it, a 429 with `Retry-After`."""

    retry_after: int | None = None

    def allow_request(self, request, view) -> bool:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        client = f"token:{token.pk}" if token else f"user:{request.user.pk}"
        self.retry_after = count_request(
            request._request, "api", settings.RATE_LIMIT_API, lambda group, r: client
        )
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after


class CursorPage(CursorPagination):
    """Cursor pages (stable while rows are added, no count): the view's `cursor_ordering(request)`
    decides the order, `?page_size=` up to 200."""

    page_size = settings.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-id",)

    def get_ordering(self, request, queryset, view):
        if hasattr(view, "cursor_ordering"):
            return view.cursor_ordering(request)
        return self.ordering

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, DjangoValidationError):
            # A cursor whose position is not a value of the key (edited by hand) is as
            # unreadable as a malformed one.
            raise exceptions.NotFound(self.invalid_cursor_message) from None


class FieldsMixin:
    """`?fields=code,name` keeps only those fields of each record (unknown names are ignored;
    none known means every field). The names are read from `Meta.fields`, so that choosing
    them does not build the fields: a representation written by hand reads `field_names`
    and never needs them built."""

    field_names: tuple[str, ...]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_names = tuple(self.Meta.fields)
        request = self.context.get("request")
        wanted = request.query_params.get("fields", "") if request is not None else ""
        if request is None or request.method != "GET" or not wanted:
            return
        names = {name.strip() for name in wanted.split(",")}
        if names & set(self.field_names):
            self.field_names = tuple(name for name in self.field_names if name in names)

    def get_fields(self):
        fields = super().get_fields()
        for name in set(fields) - set(self.field_names):
            fields.pop(name)
        return fields


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "Someone else saved this since you read it. Read it again (its new ETag) and repeat "
        "your change."
    )
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "Send the record's ETag in an If-Match header, so that a colleague's newer change is "
        "not overwritten."
    )
    default_code = "precondition_required"


def etag_of(record) -> str:
    """The ETag of a versioned record: its version, which every save moves on."""
    return f'"{record.version}"'


def expected_version(request, record) -> int:
    """The version the client read, from `If-Match` (required; `*` is the stored one); a
    value that is no version of the record is a 412."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired
    for value in (part.strip() for part in header.split(",")):
        if value == "*":
            return record.version
        value = value.removeprefix("W/").strip('"')
        if value.isascii() and value.isdigit() and len(value) < 10:
            return int(value)
    raise PreconditionFailed


class IdempotentCreateMixin:
    """POST with `Idempotency-Key`: the first answer (a 2xx) is kept and replayed for the same
    key from the same person, with `Idempotent-Replayed: true`, so a retried request creates
    its record once. The same key on a different request is a 422. Views implement
    `create_record(request, **kwargs)`."""

    def create_record(self, request, **kwargs):
        raise NotImplementedError

    def request_fingerprint(self, request) -> str:
        """What identifies the request a key was first used with: its path and body."""
        body = json.dumps(request.data, sort_keys=True, default=str)
        return hashlib.sha256(f"{request.path}\n{body}".encode()).hexdigest()

    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return self.create_record(request, **kwargs)
        if len(key) > 200:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("An idempotency key is at most 200 characters.")]}
            )
        fingerprint = self.request_fingerprint(request)
        try:
            with transaction.atomic():
                # The key's row first: a second request with the same key waits on it (the
                # unique constraint) until this one commits, then replays its answer.
                remembered = IdempotentRequest.objects.create(
                    user=request.user, key=key, fingerprint=fingerprint, status=0
                )
                response = self.create_record(request, **kwargs)
                if status.is_success(response.status_code):
                    remembered.status = response.status_code
                    remembered.body = response.data
                    remembered.location = response.get("Location", "")
                    remembered.save(update_fields=["status", "body", "location"])
                else:
                    transaction.set_rollback(True)
                return response
        except IntegrityError:
            pass
        remembered = IdempotentRequest.objects.get(user=request.user, key=key)
        if remembered.fingerprint != fingerprint:
            return Response(
                {"detail": _("This idempotency key was already used for another request.")},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        headers = {"Idempotent-Replayed": "true"}
        if remembered.location:
            headers["Location"] = remembered.location
        return Response(remembered.body, status=remembered.status, headers=headers)


class TokenScheme(OpenApiAuthenticationExtension):
    """The token in the schema: an HTTP bearer scheme."""

    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "setia_… from the tokens page"}
