"""Store addresses: one normalised domain per store, so `https://www.Toko.id/` and `toko.id` match."""

import re
from urllib.parse import urlsplit

# Two or more labels of 1 to 63 letters, digits or inner hyphens, dot-separated.
_HOST = re.compile(r"(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?!-)[a-z0-9-]{1,63}(?<!-)")


def normalise_domain(text: str) -> str:
    """Return the lower-case host of a URL or domain without `www.`, port or path.

    Raises ValueError when no valid host name is left. Marketplace and social shops share a host
    (`shopee.co.id/tokoku`), so for those the first path segment is kept: `shopee.co.id/tokoku`.
    """
    value = (text or "").strip().lower()
    if not value:
        raise ValueError("empty")
    simple = _SIMPLE.fullmatch(value)
    if simple:
        # The common spellings (`toko.id`, `https://www.toko.id/`, `shopee.co.id/toko`) without
        # urlsplit and the IDNA codec, which an import runs 100,000 times; same result (a test
        # compares both ways).
        return _host_and_path(text, simple.group(1).rstrip("."), simple.group(2) or "")
    if "://" not in value:
        value = "//" + value
    parts = urlsplit(value)
    return _host_and_path(text, (parts.hostname or "").rstrip("."), parts.path, idna=True)


# An http(s) or scheme-less address whose host is plain ASCII and whose path holds no query,
# fragment, port, user, space or control character: what urlsplit would split the same way.
_SIMPLE = re.compile(r"(?:https?://)?([a-z0-9.-]+)(/[a-z0-9._~!$&'()*+,;=@%/-]*)?")


def _host_and_path(text: str, host: str, path: str, *, idna: bool = False) -> str:
    if host.startswith("www."):
        host = host[4:]
    if idna:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"not a domain: {text!r}") from None
    if not _HOST.fullmatch(host) or host.rpartition(".")[2].isdigit():
        raise ValueError(f"not a domain: {text!r}")
    if host in SHARED_HOSTS:
        segment = path.strip("/").split("/")[0].lstrip("@")
        if not segment:
            raise ValueError(f"{text!r} needs the shop's path on {host}")
        return f"{host}/{segment}"
    return host


# Hosts where many merchants have a shop: the shop is identified by its path.
SHARED_HOSTS = {
    "shopee.co.id",
    "tokopedia.com",
    "lazada.co.id",
    "blibli.com",
    "bukalapak.com",
    "instagram.com",
    "tiktok.com",
    "facebook.com",
}
