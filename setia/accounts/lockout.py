"""Login lockout: django-axes' lock per username and address, plus a lock per account.

axes compares every combination in `AXES_LOCKOUT_PARAMETERS` against the one
`AXES_FAILURE_LIMIT` within the one `AXES_COOLOFF_TIME`, so it cannot say both "5 failures for
a username from one address in 15 minutes" and "100 failures for a username from any address in
an hour". This handler adds the second limit. It counts axes' own failure log (one row per
failed login, kept because `AXES_ENABLE_ACCESS_FAILURE_LOG` is on), so an administrator sees
every failure, its address and whether it was refused under Axes → access failures.
"""

import logging
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)


def account_failures(username: str | None) -> int:
    """The failed logins for `username` from any address within the account lockout window."""
    if not username:
        return 0
    since = timezone.now() - timedelta(minutes=settings.ACCOUNT_LOCKOUT_MINUTES)
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).count()


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler that also locks an account after too many failures anywhere.

    The lock lifts by itself once fewer than `ACCOUNT_LOCKOUT_FAILURES` failures remain in the
    last `ACCOUNT_LOCKOUT_MINUTES`; attempts during the lock are failures too, so an attacker who
    keeps trying keeps the account locked (as axes does for a username and address).
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        """Locked for the username and address (axes), or for the account from anywhere."""
        if super().is_locked(request, credentials):
            return True
        username = get_client_username(request, credentials)
        return account_failures(username) >= settings.ACCOUNT_LOCKOUT_FAILURES

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """Record the failure; the one that reaches the account limit is already refused."""
        if request is not None:
            username = get_client_username(request, credentials)
            # The failure being handled is not in the log yet, hence the + 1.
            failures = account_failures(username) + 1
            if failures >= settings.ACCOUNT_LOCKOUT_FAILURES:
                # Set before axes writes the failure log, so that row says "locked out".
                request.axes_locked_out = True
                request.account_locked_out = True
                log.warning(
                    "Login locked for account %s: %d failed logins from any address in the "
                    "last %d minutes (address of this attempt: %s).",
                    username,
                    failures,
                    settings.ACCOUNT_LOCKOUT_MINUTES,
                    request.axes_ip_address,
                )
        super().user_login_failed(sender, credentials, request, **kwargs)

    def remove_out_of_limit_failure_logs(self, *, username: str, limit: int | None = None) -> int:
        """Keep the newest `AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT` failures of `username`.

        axes' own version deletes the newest rows beyond the limit (the log is ordered newest
        first), which would erase exactly the failures the account lock counts.
        """
        limit = settings.AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT if limit is None else limit
        older = (
            AccessFailureLog.objects.filter(username=username)
            .order_by("-attempt_time", "-pk")
            .values("pk")[limit:]
        )
        count, _ = AccessFailureLog.objects.filter(pk__in=older).delete()
        return count
