import pytest

from setia.webhooks import actions
from setia.webhooks.tests import receiver as receiver_module


@pytest.fixture
def receiver():
    receiver, server = receiver_module.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def jobs_by_hand(settings):
    """Jobs wait in their table until the test runs them (`run_pending`), as a runner would."""
    settings.JOBS_EAGER = False
    settings.WEBHOOKS_RETRY_SECONDS = 30


@pytest.fixture
def webhook_to(receiver, admin_user, db):
    """A webhook to the test receiver for some events, the cursors set at the present."""

    def make(*events: str, **fields):
        webhook = actions.create_webhook(
            actor=admin_user, name=fields.pop("name", "BI"), url=receiver.url, events=list(events)
        )
        receiver.secret = webhook.secret
        actions.dispatch()
        return webhook

    return make
