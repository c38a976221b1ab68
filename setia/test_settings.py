"""Settings for the test suite: the production settings with test-only speed-ups.

DATABASE_URL still selects the database, so the same suite runs on SQLite and PostgreSQL.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("HTTPS", "0")

from setia.settings import *  # noqa: F403

# Argon2 is deliberately slow; tests log in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "setia.lib.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"
# Jobs run as their transaction commits, in the test's process, through their Job row.
JOBS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files come from the finders in tests; whitenoise would only warn about STATIC_ROOT.
MIDDLEWARE = [name for name in MIDDLEWARE if not name.startswith("whitenoise.")]  # noqa: F405
# Uploads (sales library screenshots, demo data) go to a throw-away folder, never the project's media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="setia-test-media-"))
PRIVATE_ROOT = Path(tempfile.mkdtemp(prefix="setia-test-private-"))
