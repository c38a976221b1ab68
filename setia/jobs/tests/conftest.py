import pytest
import redis

from setia.jobs.tests import sample_tasks

LIVE_REDIS = "redis://127.0.0.1:6379/1"


@pytest.fixture(autouse=True)
def _fresh_samples():
    sample_tasks.ran.clear()
    sample_tasks.hooked.clear()


@pytest.fixture
def background(settings):
    """Jobs wait in the table for a runner, as in production (not run as they commit)."""
    settings.JOBS_EAGER = False
    settings.REDIS_URL = ""
    return settings


@pytest.fixture
def live_broker(background):
    """A real Redis as the Celery broker, its queue emptied before and after."""
    client = redis.Redis.from_url(LIVE_REDIS)
    client.delete("celery")
    background.REDIS_URL = LIVE_REDIS
    yield client
    client.delete("celery")
