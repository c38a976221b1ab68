from setia.settings import database_settings


def test_it_gives_postgresql_a_connect_timeout():
    database = database_settings(
        "postgres://setia:secret@db.example.com:5432/setia", conn_max_age=600, connect_timeout=7
    )

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["OPTIONS"]["connect_timeout"] == 7
    assert database["CONN_MAX_AGE"] == 600


def test_postgresql_connections_run_without_jit_unless_asked_and_plan_for_ssd():
    url = "postgres://setia:secret@db.example.com:5432/setia"

    web = database_settings(url, conn_max_age=600, connect_timeout=7)
    batch = database_settings(url, conn_max_age=600, connect_timeout=7, jit=True)

    assert web["OPTIONS"]["options"] == "-c random_page_cost=1.1 -c jit=off"
    assert batch["OPTIONS"]["options"] == "-c random_page_cost=1.1"


def test_it_leaves_sqlite_its_busy_timeout():
    database = database_settings(
        "sqlite:////tmp/setia.sqlite3", conn_max_age=600, connect_timeout=7
    )

    assert "connect_timeout" not in database["OPTIONS"]
    assert "PRAGMA busy_timeout=5000;" in database["OPTIONS"]["init_command"]
    assert database["CONN_MAX_AGE"] == 0
