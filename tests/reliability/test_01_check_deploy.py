"""Production settings pass Django's deployment checks, with warnings counted as failures."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def _check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        # The test settings relax HTTPS for the suite; production has it on. The browser tests
        # allow Django's ORM in Playwright's event loop, which no deployment may.
        if key
        not in {
            "DJANGO_SETTINGS_MODULE",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "HTTPS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    # PostgreSQL where the suite runs on it, a throw-away SQLite file otherwise.
    environment.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'deploy.sqlite3'}")
    environment |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "setia.example.com",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("debug", ["0", "1"])
def test_production_settings_pass_check_deploy_and_debug_does_not(tmp_path, debug):
    result = _check_deploy(tmp_path, DEBUG=debug)

    if debug == "0":
        assert result.returncode == 0, result.stderr
        assert "System check identified no issues" in result.stdout
    else:
        # The same check fails loudly on a setting a production server must not have.
        assert result.returncode != 0
        assert "security.W018" in result.stderr
