"""An import and a person editing the same customer at the same moment, on two connections:
neither waits forever nor dies in a deadlock, and both leave their trace in the history. Needs
PostgreSQL (row locks between connections); CI runs it there."""

import threading
import time

import pytest
from django.db import connection

from setia.accounts.models import Role
from setia.customers import actions
from setia.customers.models import Customer
from setia.history.models import AuditEntry
from setia.imports.tests.helpers import run, write_csv
from setia.test import make_contact, make_customer, make_team, make_user

pytestmark = pytest.mark.postgres


def _together(*jobs, timeout=120):
    """Run the jobs at once, each on its own connection; return the errors they raised."""
    start = threading.Barrier(len(jobs))
    errors = []

    def wrapped(job):
        try:
            start.wait()
            job()
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=[job]) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a connection is still waiting"
    return errors


@pytest.mark.parametrize("edit_after", [0.0, 0.05, 0.3])
def test_an_import_and_a_live_edit_of_one_customer_both_finish_and_are_audited(
    transactional_db, tmp_path, edit_after
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks between connections (runs in CI)")
    team = make_team("Tim Barat")
    manager = make_user(Role.MANAGER, language="en")
    executive = make_user(Role.EXECUTIVE, team=team)
    customer = make_customer(team=team, owner=executive, name="Batik", city="Solo")
    make_contact(customer, phone="+6281234567801")
    rows = [["Batik", "", "0812-3456-7801", "", "", "Surakarta", ""]] + [
        [f"Toko {n}", "", f"0813{n:08d}", "", "Fashion", "Bandung", ""] for n in range(1500)
    ]
    path = write_csv(tmp_path / "big.csv", rows)
    edit = {}

    def importing():
        run(path, owner=manager.email)

    def editing():
        time.sleep(edit_after)
        fresh = Customer.objects.get(pk=customer.pk)
        try:
            actions.update_customer(
                customer=fresh,
                actor=executive,
                data={"notes": "Minta ditelepon sore"},
                expected_version=fresh.version,
            )
            edit["outcome"] = "saved"
        except actions.StaleEditError:
            edit["outcome"] = "refused"

    errors = _together(importing, editing)

    assert errors == []
    customer.refresh_from_db()
    assert customer.city == "Surakarta"
    entries = AuditEntry.objects.filter(customer=customer)
    assert entries.filter(source__startswith="import:", action="update").count() == 1
    if edit["outcome"] == "saved":
        assert customer.notes == "Minta ditelepon sore"
        assert entries.filter(actor=executive, action="update").count() == 1
    else:
        # The import saved first: the edit is a refused stale edit, recorded as such.
        assert customer.notes == ""
        assert entries.filter(actor=executive, action="refused").count() == 1
    assert Customer.objects.count() == 1501
