"""API tokens and the remembered answers of POSTs sent with an idempotency key."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Every token starts with this, so a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "setia_"


def token_digest(secret: str) -> str:
    """The SHA-256 of a token as stored: a token is a long random string, so a fast hash is
    enough (no password stretching); the token itself is never stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, *, now=None):
        """Tokens that authenticate now: not revoked, not expired, their user active."""
        now = now or timezone.now()
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now),
            revoked_at__isnull=True,
            user__is_active=True,
        )


class ApiToken(models.Model):
    """A person's key to the API, acting as that person with their role's permissions, or a
    service's key limited to pushing metrics. Only the SHA-256 of the secret is kept; the
    secret is shown once, when the token is created."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")
        METRICS = "metrics", _("Metrics push only")

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        SERVICE = "service", _("Service")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    # The first characters of the secret, shown on the tokens page so a person can tell
    # their tokens apart; not enough to guess the rest.
    hint = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # A service token only pushes metrics; a personal one never does.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="service", scope="metrics")
                    | (models.Q(kind="personal") & ~models.Q(scope="metrics"))
                ),
                name="api_token_kind_scope",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class IdempotentRequest(models.Model):
    """The answer to a POST sent with an `Idempotency-Key`, replayed when the same user sends
    the same key again (a client retrying after a timeout creates the record once)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    # The method, path and body the key was first used with: the same key on another request
    # is a client error, not a replay.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True)
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_user_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_created_idx")]

    def __str__(self):
        return self.key
