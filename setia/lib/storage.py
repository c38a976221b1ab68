"""File storage for files no URL may reach: imported spreadsheets and their error files.

They hold customers' names, phones and e-mails, so they live under PRIVATE_ROOT, a folder that
is never served (unlike MEDIA_ROOT); a view that checks who is asking streams them instead.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateStorage(FileSystemStorage):
    """Files under `settings.PRIVATE_ROOT`, read at each use (tests point it at a temporary
    folder), with no URL: asking for one is a programming error."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a view that checks access.")


def private_storage() -> Storage:
    """The "private" storage of settings.STORAGES, for FileFields (a callable, so migrations
    record this name instead of a folder)."""
    return storages["private"]
