"""Signing a payload, and checking a signature as a receiver does.

The signature header is `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
webhook's secret. Signing the moment with the body lets a receiver refuse a replayed request:
one whose moment is older than its tolerance. `verify_signature` is standard library only, so
a receiver may copy it as it is (docs/api.md shows it).
"""

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Setia-Signature` value for `body` sent at `timestamp` (unix seconds)."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify_signature(
    secret: str, header: str, body: bytes, now: float, tolerance: int = 300
) -> bool:
    """Whether `header` (the `X-Setia-Signature` received) signs `body` (the raw bytes of the
    request) with `secret`, at a moment at most `tolerance` seconds from `now` (unix seconds).

    Several `v1=` values are accepted (one matching is enough), so a sender may sign with an old
    and a new secret while both are valid; the comparison takes the same time whatever the
    value, so it tells an attacker nothing.
    """
    timestamp = None
    candidates = []
    for part in header.split(","):
        name, _sep, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1":
            candidates.append(value)
    if timestamp is None or not candidates or abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
