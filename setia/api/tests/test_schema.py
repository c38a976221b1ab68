"""The committed OpenAPI schema is the code's, and the live API keeps to it: schemathesis sends
requests generated from the schema, as an admin and as an intern, and checks that nothing is a
server error and every answer matches its documented shape."""

from pathlib import Path

import pytest
import schemathesis
import yaml
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from setia.accounts.models import Role
from setia.api.actions import create_token
from setia.api.models import ApiToken
from setia.test import (
    make_contact,
    make_customer,
    make_store,
    make_subscription,
    make_team,
    make_user,
)

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"


def generated_schema() -> dict:
    """The schema as the code describes it, in English (the committed file's language)."""
    with translation.override("en"):
        return SchemaGenerator().get_schema(request=None, public=True)


def test_the_committed_schema_is_the_codes():
    committed = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    # Compared as data, after a round trip through YAML (as the file was written).
    assert committed == yaml.safe_load(yaml.safe_dump(generated_schema())), (
        "docs/api/openapi.yaml is out of date: run "
        "`manage.py spectacular --lang en --file docs/api/openapi.yaml`"
    )


def test_the_schema_and_its_readers_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    swagger = client.get("/api/docs/")
    assert swagger.status_code == 200
    # The readers' files come from this site (the sidecar package), never a CDN.
    assert b"cdn" not in swagger.content.lower() and b"/static/" in swagger.content
    assert client.get("/api/redoc/").status_code == 200


schema = schemathesis.openapi.from_dict(yaml.safe_load(yaml.safe_dump(generated_schema())))
schema.app = WSGIHandler()
# Generated cases only (the coverage phase's hundreds of boundary cases per operation would make
# this minutes long), few per operation and persona, the same on every run.
schema.config.phases.coverage.enabled = False


@pytest.fixture
def connection_kept():
    """Requests go through Django's WSGI handler, which closes the database connection after
    each one; in a test that would close the test's transaction (on PostgreSQL). Django's
    test client keeps it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=[Role.ADMIN, Role.INTERN])
def api_headers(request, db, settings, connection_kept):
    """A read-write token of an admin or an intern, with a customer of theirs to work on."""
    settings.RATE_LIMIT_API = "100000/m"
    settings.ALLOWED_HOSTS = ["*"]
    team = make_team()
    user = make_user(request.param, team=team, is_superuser=request.param == Role.ADMIN)
    customer = make_customer(team=team, owner=user)
    make_contact(customer)
    make_store(customer)
    make_subscription(customer)
    _token, secret = create_token(
        user=user, name="schemathesis", scope=ApiToken.Scope.WRITE, expires_at=None
    )
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@hypothesis_settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(case, api_headers):
    case.call_and_validate(
        headers=api_headers, checks=[not_a_server_error, response_schema_conformance]
    )
