"""The receiver docs/api.md gives, run as written: it accepts Setia's deliveries and refuses
one signed with another secret."""

import http.server
import re
import threading
from pathlib import Path

import pytest
from django.conf import settings

from setia.customers import actions as customer_actions
from setia.jobs.actions import run_pending
from setia.test import make_category
from setia.webhooks import actions
from setia.webhooks.models import Attempt, Delivery

pytestmark = pytest.mark.usefixtures("jobs_by_hand")


def _documented_receiver() -> dict:
    guide = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()
    block = re.search(r"<!-- receiver: .*? -->\n```python\n(.*?)```", guide, re.S)
    assert block, "the receiver's code block is missing from docs/api.md"
    namespace: dict = {"__name__": "documented_receiver"}
    exec(block.group(1), namespace)
    return namespace


def test_the_documented_receiver_checks_the_signature(admin_user, monkeypatch):
    receiver = _documented_receiver()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), receiver["Receiver"])
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        webhook = actions.create_webhook(
            actor=admin_user, name="Docs", url=url, events=["customer.created"]
        )
        actions.dispatch()
        monkeypatch.setenv("SETIA_WEBHOOK_SECRET", webhook.secret)
        data = {"name": "Toko Dokumen", "category": make_category()}
        customer_actions.create_customer(actor=admin_user, data=data)
        actions.dispatch()
        run_pending()
        assert Delivery.objects.get().state == Delivery.State.DELIVERED
        assert Attempt.objects.get().status_code == 204
        monkeypatch.setenv("SETIA_WEBHOOK_SECRET", "whsec_not_this_one")
        customer_actions.create_customer(actor=admin_user, data=data | {"name": "Lagi"})
        actions.dispatch()
        run_pending()
        assert Attempt.objects.order_by("id").last().status_code == 401
        assert Delivery.objects.filter(state=Delivery.State.FAILED).count() == 1
    finally:
        server.shutdown()
        server.server_close()
