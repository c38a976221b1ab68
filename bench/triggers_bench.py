"""Trigger evaluation against hand-written PostgreSQL.

    .venv/bin/python bench/triggers_bench.py [--customers 100000 --days 365] [--keep]

Builds, on a PostgreSQL database `setia_trig_bench` that it creates and drops, N customers with
~1.3 stores each and D days of daily store metrics ending yesterday (generated server-side by
INSERT ... SELECT FROM generate_series), subscriptions renewing over the next year, onboardings
(some stalled), timeline events (most customers called, chatted or mailed at some point), some
runs already open and some open intern tasks; plants website trouble, error spikes and GMV drops
in a few % of the stores; then runs our `recompute_rollups` and `assign_tiers` so the per-tier
no-interaction rules have their data. Then, in one run, it times:
  (p)  plain SQL: per active rule, the hand-written SELECT of the matching customers with the
       same figures, then the inserts of a real evaluation (runs with ON CONFLICT DO NOTHING,
       their tasks from the playbook steps with fair intern assignment, their timeline events)
       as INSERT ... SELECT; inside a transaction that is rolled back;
  (o)  our `evaluate()` on the same state (everything new);
  (p2) the plain SQL once more, now that the runs are open (nothing new; rolled back);
  (o2) our `evaluate()` again (idempotent: started=0, every match already open).
The plain SQL runs once untimed first so that both sides find the metrics in the page cache;
each phase starts after a VACUUM of the tables the phases write and a CHECKPOINT.
It checks that (p) and (o) started the same (customer, playbook) pairs, prints seconds, rows
and the ratio o/p with its goal (<= 2, our time over the plain SQL's time).
"""

import argparse
import io
import os
import re
import sys
import time
from datetime import date, timedelta
from typing import cast

from common import lap, scratch_database  # bench/ is on sys.path when a bench runs

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_TRIGGERS_DATABASE", "setia_trig_bench")
STORES_PER_CUSTOMER = 1.3
TEAMS = 4
EXECUTIVES_PER_TEAM = 3
INTERNS_PER_TEAM = 3
INTERACTION_KINDS = ("call", "whatsapp", "email", "meeting")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--keep", action="store_true", help=f"keep {DATABASE} afterwards")
    args = parser.parse_args()
    # A script's stdout is a TextIOWrapper; the stubs type sys.stdout as any TextIO.
    cast(io.TextIOWrapper, sys.stdout).reconfigure(line_buffering=True)
    stores = round(args.customers * STORES_PER_CUSTOMER)
    print(
        f"triggers bench: {args.customers} customers, {stores} stores x {args.days} days = "
        f"{stores * args.days:,} metric rows"
    )
    with scratch_database(SERVER, DATABASE, keep=args.keep):
        results = run(args.customers, stores, args.days)
    report(results)


# -- the data -----------------------------------------------------------------------------


def create_people() -> None:
    """Teams, each with a lead, executives (who own customers) and interns (fair assignment)."""
    from django.contrib.auth.models import Group

    from setia.accounts.models import Role, Team, User

    groups = {role: Group.objects.get(name=role) for role in Role.values}
    for number in range(TEAMS):
        team = Team.objects.create(name=f"Bench team {number}")

        def person(role, index, team=team, number=number):
            user = User.objects.create_user(
                f"{role}{number}-{index}@bench.test",
                "bench-password",
                full_name=f"{role.title()} {number}-{index}",
                team=team,
            )
            user.groups.add(groups[role])
            return user

        team.lead = person(Role.MANAGER, 0)
        team.save(update_fields=["lead"])
        for index in range(EXECUTIVES_PER_TEAM):
            person(Role.EXECUTIVE, index)
        for index in range(INTERNS_PER_TEAM):
            person(Role.INTERN, index)


def generate(cursor, customers: int, stores: int, days: int, today: date) -> None:
    """Every bench row, server-side, deterministic (hashes of the ids, no random())."""
    last = today - timedelta(days=1)  # the platform reports a day once it is over
    first = last - timedelta(days=days - 1)
    params = {
        "n": customers,
        "s": stores,
        "first": first,
        "last": last,
        "today": today,
        "teams": TEAMS,
        "execs": EXECUTIVES_PER_TEAM,
        "interns": INTERNS_PER_TEAM,
    }
    steps = [
        (
            "customers",
            # owner: one of the team's executives; 0.5% deleted; joined 1 month to 2 years ago
            """
            WITH team AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS t
                          FROM accounts_team),
            exec AS (SELECT u.id, u.team_id,
                            row_number() OVER (PARTITION BY u.team_id ORDER BY u.id) - 1 AS e
                     FROM accounts_user u JOIN accounts_user_groups ug ON ug.user_id = u.id
                     JOIN auth_group g ON g.id = ug.group_id AND g.name = 'executive')
            INSERT INTO customers_customer (id, code, name, city, province, status, notes,
                version, deleted_at, created_at, updated_at, category_id, owner_id, team_id)
            SELECT i, gen_random_uuid(), 'Toko Bench ' || i, 'Jakarta', '', 'active', '', 1,
                CASE WHEN i %% 200 = 0 THEN now() END,
                date_trunc('day', now()) - make_interval(days => 30 + (i * 7) %% 700)
                    + interval '3 hours',
                now(), (SELECT min(id) FROM customers_category), exec.id, team.id
            FROM generate_series(1, %(n)s) AS i
            JOIN team ON team.t = i %% %(teams)s
            JOIN exec ON exec.team_id = team.id AND exec.e = (i / %(teams)s) %% %(execs)s
            """,
        ),
        ("", "SELECT setval(pg_get_serial_sequence('customers_customer', 'id'), %(n)s)"),
        (
            "stores",
            """
            INSERT INTO customers_store (id, code, kind, url, domain, platform_version,
                version, created_at, updated_at, customer_id)
            SELECT j, gen_random_uuid(), 'website', 'https://bench' || j || '.example.id',
                'bench' || j || '.example.id', 'v2', 1, now(), now(), (j - 1) %% %(n)s + 1
            FROM generate_series(1, %(s)s) AS j
            """,
        ),
        ("", "SELECT setval(pg_get_serial_sequence('customers_store', 'id'), %(s)s)"),
        (
            "subscriptions",
            # yearly renewals spread over the coming year; 2% without a subscription
            """
            INSERT INTO customers_subscription (plan, started_on, renews_on, monthly_price,
                discount_percent, version, created_at, updated_at, customer_id)
            SELECT (ARRAY['starter', 'growth', 'business', 'enterprise'])[1 + i %% 4],
                %(last)s::date - (i * 37) %% 365, %(last)s::date - (i * 37) %% 365 + 365,
                99000 + (i %% 7) * 150000, 0, 1, now(), now(), i
            FROM generate_series(1, %(n)s) AS i WHERE i %% 50 <> 0
            """,
        ),
        (
            "store metrics",
            # level: a long tail (x^3) over the stores; weekends sell more; 4% of the stores
            # sell half in the last 30 days (GMV drop), 1.7% are down on the last two days,
            # 1.4% throw 150 errors on the last day; the rest have 0-8 errors and rare blips.
            """
            INSERT INTO metrics_storedailymetric (store_id, day, gmv, orders, visitors,
                uptime_pct, errors)
            SELECT j, d::date, g.gmv, g.gmv / 85000, g.gmv / 85000 * 23 + 40,
                CASE WHEN j %% 60 = 7 AND d > %(last)s::date - 2 THEN 80.5
                     WHEN (j + (d::date - %(first)s::date)) %% 97 = 0 THEN 99.0
                     ELSE 100 END,
                CASE WHEN j %% 70 = 11 AND d = %(last)s::date THEN 150
                     ELSE (j + (d::date - %(first)s::date)) %% 9 END
            FROM generate_series(1, %(s)s) AS j
            CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d
            CROSS JOIN LATERAL (
                SELECT ((20000 + ((j * 7919) %% 1000) ^ 3 / 40)
                    * CASE WHEN extract(isodow FROM d) >= 6 THEN 1.25 ELSE 1 END
                    * CASE WHEN j %% 25 = 3 AND d >= %(today)s::date - 30 THEN 0.5 ELSE 1 END
                    )::bigint AS gmv
            ) AS g
            """,
        ),
        (
            "onboardings",
            # 90% live; the others in an earlier stage for 0-19 days (some stalled)
            """
            WITH stage AS (SELECT id, is_final,
                                  row_number() OVER (ORDER BY position, id) - 1 AS k
                           FROM work_stage),
            open_stages AS (SELECT count(*) AS n FROM stage WHERE NOT is_final)
            INSERT INTO work_onboarding (entered_stage_at, source, created_at, updated_at,
                customer_id, stage_id)
            SELECT CASE WHEN i %% 10 = 0
                        THEN date_trunc('day', now()) - make_interval(days => (i / 10) %% 20)
                             + interval '3 hours'
                        ELSE date_trunc('day', now()) - interval '200 days' END,
                'sales', now(), now(), i,
                CASE WHEN i %% 10 = 0
                     THEN (SELECT id FROM stage WHERE NOT is_final
                           AND k = (i / 10) %% (SELECT n FROM open_stages))
                     ELSE (SELECT id FROM stage WHERE is_final ORDER BY k LIMIT 1) END
            FROM generate_series(1, %(n)s) AS i
            """,
        ),
        (
            "timeline events",
            # 75% of the customers had an interaction in the last 45 days, 12.5% long ago,
            # 12.5% never; everyone has notes, changes and tier events besides
            """
            INSERT INTO engagement_timelineevent (kind, summary, data, occurred_at,
                source_type, source_id, created_at, updated_at, customer_id)
            SELECT e.kind, 'bench', '{}', e.at, '', '', now(), now(), i
            FROM generate_series(1, %(n)s) AS i
            CROSS JOIN LATERAL (VALUES
                (CASE WHEN i %% 4 <> 0 THEN (ARRAY['call', 'whatsapp', 'email'])[i %% 4]
                      WHEN i %% 8 = 0 THEN 'meeting' END,
                 date_trunc('day', now()) + interval '6 hours'
                     - make_interval(days => CASE WHEN i %% 4 <> 0 THEN (i * 13) %% 45
                                                  ELSE 200 END)),
                ('note', date_trunc('day', now()) - make_interval(days => (i * 3) %% 40)),
                ('change', date_trunc('day', now()) - make_interval(days => (i * 5) %% 300)),
                ('tier', date_trunc('day', now()) - make_interval(days => (i * 11) %% 100))
            ) AS e (kind, at)
            WHERE e.kind IS NOT NULL
            """,
        ),
        (
            "open runs",
            # 1% already being greeted, 0.7% with a website run open, and some done runs
            """
            INSERT INTO work_playbookrun (code, kind, reason, figures, value, revenue_at_risk,
                status, batch, started_at, closed_at, created_at, updated_at, customer_id,
                playbook_id)
            SELECT gen_random_uuid(), r.kind, 'bench', '{}', 0, 0, r.status,
                gen_random_uuid(), now() - interval '3 days',
                CASE WHEN r.status = 'done' THEN now() - interval '1 day' END, now(), now(),
                i, (SELECT playbook_id FROM work_triggerrule WHERE kind = r.kind LIMIT 1)
            FROM generate_series(1, %(n)s) AS i
            CROSS JOIN LATERAL (VALUES
                (CASE WHEN i %% 100 = 1 THEN 'no_interaction' END, 'open'),
                (CASE WHEN i %% 150 = 7 THEN 'website_down' END, 'open'),
                (CASE WHEN i %% 90 = 3 THEN 'gmv_drop' END, 'done')
            ) AS r (kind, status)
            WHERE r.kind IS NOT NULL
            """,
        ),
        (
            "intern tasks",
            # the interns start with unequal open work, so fair assignment has to balance
            """
            INSERT INTO work_task (code, title, notes, due_at, priority, status, recurrence,
                created_at, updated_at, owner_id, team_id)
            SELECT gen_random_uuid(), 'Bench task', '', now() + interval '2 days',
                (ARRAY['low', 'normal', 'high', 'urgent'])[1 + n %% 4], 'open', '', now(),
                now(), u.id, u.team_id
            FROM accounts_user u
            JOIN accounts_user_groups ug ON ug.user_id = u.id
            JOIN auth_group g ON g.id = ug.group_id AND g.name = 'intern'
            CROSS JOIN generate_series(1, 5 + (u.id * 7) %% 20) AS n
            """,
        ),
    ]
    for name, sql in steps:
        started = time.perf_counter()
        cursor.execute(sql, params)
        if name:
            print(f"  {name}: {cursor.rowcount:,} rows in {lap(started)} s")


def prepare(customers: int, stores: int, days: int, today: date) -> None:
    from django.db import connection

    from setia.metrics.actions import recompute_rollups
    from setia.tiers.actions import assign_tiers

    started = time.perf_counter()
    create_people()
    with connection.cursor() as cursor:
        generate(cursor, customers, stores, days, today)
        begun = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        print(f"  vacuum analyze in {lap(begun)} s")
    begun = time.perf_counter()
    rollups = recompute_rollups(today=today)
    moved = assign_tiers(today=today)
    print(f"  recompute_rollups ({rollups:,} rows) and assign_tiers in {lap(begun)} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            "SELECT t.name, count(*) FROM tiers_customertier ct "
            "JOIN tiers_tier t ON t.id = ct.tier_id GROUP BY t.name, t.position "
            "ORDER BY t.position"
        )
        tiers = ", ".join(f"{name} {count:,}" for name, count in cursor.fetchall())
    print(f"  tiers: {tiers} ({moved:,} moved)")
    print(f"prepared in {lap(started)} s")


# -- the plain SQL ------------------------------------------------------------------------


def literal(value) -> str:
    """A SQL literal for the plain statements (our own values only: dates, numbers, text)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool | int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def sql_text(template: str, **expressions: str) -> str:
    """A translated %-template as a SQL concatenation of its literal parts and expressions."""
    pieces = []
    for index, part in enumerate(re.split(r"%\((\w+)\)s", template)):
        if index % 2:
            pieces.append(f"coalesce(({expressions[part]})::text, '')")
        elif part:
            pieces.append(literal(part.replace("%%", "%")))
    return "(" + " || ".join(pieces) + ")"


# The kinds rule_select writes by hand.
HAND_WRITTEN_KINDS = (
    "website_down",
    "error_spike",
    "gmv_drop",
    "onboarding_stalled",
    "renewal_due",
    "no_interaction",
)


def rule_select(rule, order: int, day: date, moment) -> str:
    """The hand-written SELECT of one rule's matches: (rule_order, kind, playbook_id,
    customer_id, value, figures, reason), the reason in the site's language."""
    from django.utils.translation import gettext as _

    from setia.work.automation.models import TriggerKind

    head = f"{order} AS rule_order, {literal(rule.kind)} AS kind, {rule.playbook_id} AS playbook_id"
    moment_sql = f"{literal(moment.isoformat())}::timestamptz"
    kind = rule.kind
    if kind in (TriggerKind.WEBSITE_DOWN, TriggerKind.ERROR_SPIKE):
        first = day - timedelta(days=max(rule.window_days, 1) - 1)
        window = f"m.day BETWEEN {literal(first)} AND {literal(day)}"
        if kind == TriggerKind.WEBSITE_DOWN:
            reason = sql_text(
                _("Uptime %(uptime)s%% on %(days)s day(s) of the last %(window)s"),
                uptime="round(min(m.uptime_pct), 1)",
                days="count(*)",
                window=str(rule.window_days),
            )
            figures = (
                "jsonb_build_object('lowest_uptime', round(min(m.uptime_pct), 1), "
                "'days_down', count(*))"
            )
            condition = f"{window} AND m.uptime_pct < {rule.threshold}"
            having = ""
        else:
            reason = sql_text(
                _("%(errors)s errors in the last %(window)s day(s)"),
                errors="sum(m.errors)",
                window=str(rule.window_days),
            )
            figures = "jsonb_build_object('errors', sum(m.errors))"
            condition = window
            having = f"HAVING sum(m.errors) >= {rule.threshold}"
        return f"""
            SELECT {head}, s.customer_id, coalesce(max(sub.monthly_price) * 12, 0) AS value,
                {figures} AS figures, left({reason}, 300) AS reason
            FROM metrics_storedailymetric m
            JOIN customers_store s ON s.id = m.store_id
            JOIN customers_customer c ON c.id = s.customer_id AND c.deleted_at IS NULL
            LEFT JOIN customers_subscription sub ON sub.customer_id = c.id
            WHERE {condition}
            GROUP BY s.customer_id {having}"""
    if kind == TriggerKind.GMV_DROP:
        window = max(rule.window_days, 1)
        first = day - timedelta(days=window - 1)
        before = f"m.day < {literal(first)}"
        recent = (
            f"(coalesce(sum(m.gmv) FILTER (WHERE m.day >= {literal(first)}), 0) * 1.0 / {window})"
        )
        days_before = f"count(DISTINCT m.day) FILTER (WHERE {before})"
        baseline = f"(sum(m.gmv) FILTER (WHERE {before}) * 1.0 / nullif({days_before}, 0))"
        change = f"round((({recent} - {baseline}) * 100.0 / {baseline})::numeric, 1)"

        def rupiah(amount: str) -> str:
            return f"'Rp ' || replace(to_char(round({amount}), 'FM999,999,999,999,990'), ',', '.')"

        reason = sql_text(
            _(
                "GMV %(recent)s a day over the last %(window)s day(s), against %(before)s a day "
                "over the 90 days before (%(change)s%%)"
            ),
            recent=rupiah(recent),
            window=str(window),
            before=rupiah(baseline),
            change=f"replace({change}::text, '.', ',')",
        )
        return f"""
            SELECT {head}, s.customer_id, coalesce(max(sub.monthly_price) * 12, 0),
                jsonb_build_object('baseline_days', {days_before},
                                   'gmv_daily', round({recent}::numeric, 1),
                                   'gmv_daily_before', round({baseline}::numeric, 1),
                                   'gmv_change_pct', {change}, 'window_days', {window}),
                left({reason}, 300)
            FROM metrics_storedailymetric m
            JOIN customers_store s ON s.id = m.store_id
            JOIN customers_customer c ON c.id = s.customer_id AND c.deleted_at IS NULL
            LEFT JOIN customers_subscription sub ON sub.customer_id = c.id
            WHERE m.day BETWEEN {literal(first - timedelta(days=90))} AND {literal(day)}
            GROUP BY s.customer_id
            HAVING {days_before} >= 30 AND {baseline} > 0
                AND {recent} <= {baseline} * {100 - float(rule.threshold)} / 100"""
    if kind == TriggerKind.ONBOARDING_STALLED:
        since = "to_char(o.entered_stage_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        reason = sql_text(
            _("Onboarding stalled in “%(stage)s” since %(since)s"), stage="st.name_en", since=since
        )
        return f"""
            SELECT {head}, o.customer_id, coalesce(sub.monthly_price * 12, 0),
                jsonb_build_object('entered_stage_at', o.entered_stage_at,
                                   'stage_name', st.name_en),
                left({reason}, 300)
            FROM work_onboarding o
            JOIN work_stage st ON st.id = o.stage_id AND NOT st.is_final
            JOIN customers_customer c ON c.id = o.customer_id AND c.deleted_at IS NULL
            LEFT JOIN customers_subscription sub ON sub.customer_id = c.id
            WHERE o.entered_stage_at < {moment_sql} - make_interval(days => st.stalled_after_days)"""
    if kind == TriggerKind.RENEWAL_DUE:
        last = day + timedelta(days=rule.window_days)
        reason = sql_text(_("Subscription renews on %(day)s"), day="sub.renews_on")
        return f"""
            SELECT {head}, sub.customer_id, sub.monthly_price * 12,
                jsonb_build_object('renews_on', sub.renews_on), left({reason}, 300)
            FROM customers_subscription sub
            JOIN customers_customer c ON c.id = sub.customer_id AND c.deleted_at IS NULL
            WHERE sub.renews_on BETWEEN {literal(day)} AND {literal(last)}"""
    if kind == TriggerKind.NO_INTERACTION:
        cutoff = f"({moment_sql} - interval '{rule.window_days} days')"
        kinds = ", ".join(literal(kind) for kind in INTERACTION_KINDS)
        reason = (
            f"CASE WHEN l.last_interaction IS NULL THEN "
            f"{literal(_('No call, chat, e-mail or meeting yet'))} ELSE "
            + sql_text(
                _("No call, chat, e-mail or meeting since %(day)s"),
                day="to_char(l.last_interaction AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
            )
            + " END"
        )
        tier = (
            f"JOIN tiers_customertier ct ON ct.customer_id = c.id AND ct.tier_id = {rule.tier_id}"
        )
        return f"""
            SELECT {head}, c.id, coalesce(sub.monthly_price * 12, 0),
                jsonb_build_object('last_interaction', l.last_interaction), left({reason}, 300)
            FROM customers_customer c
            {tier if rule.tier_id else ""}
            LEFT JOIN customers_subscription sub ON sub.customer_id = c.id
            LEFT JOIN (SELECT customer_id, max(occurred_at) AS last_interaction
                       FROM engagement_timelineevent WHERE kind IN ({kinds})
                       GROUP BY customer_id) l ON l.customer_id = c.id
            WHERE c.deleted_at IS NULL AND c.created_at < {cutoff}
              AND (l.last_interaction IS NULL OR l.last_interaction < {cutoff})"""
    raise ValueError(rule.kind)


def plain_evaluation(cursor, rules, day: date, moment, batch: str) -> dict:
    """A whole evaluation in hand-written SQL, as a real one would write it; the caller
    rolls it back. Returns the counts of the summary line."""
    from django.utils.translation import gettext as _

    from setia.work.automation.models import URGENCY
    from setia.work.schedule.models import PRIORITY_WEIGHTS, Priority

    moment_sql = f"{literal(moment.isoformat())}::timestamptz"
    selects = " UNION ALL ".join(
        rule_select(rule, order, day, moment) for order, rule in enumerate(rules)
    )
    cursor.execute("SET LOCAL work_mem = '64MB'")
    cursor.execute(f"CREATE TEMPORARY TABLE plain_match ON COMMIT DROP AS {selects}")
    urgency = " ".join(f"WHEN {literal(kind)} THEN {value}" for kind, value in URGENCY.items())
    # The first rule (in rule order) of a playbook wins; pairs already open are skipped.
    cursor.execute(
        f"""
        INSERT INTO work_playbookrun (code, kind, reason, figures, value, revenue_at_risk,
            status, batch, started_at, created_at, updated_at, customer_id, playbook_id)
        SELECT DISTINCT ON (m.customer_id, m.playbook_id)
            gen_random_uuid(), m.kind, m.reason, m.figures, m.value,
            m.value * CASE m.kind {urgency} END / 100, 'open', {literal(batch)},
            {moment_sql}, now(), now(), m.customer_id, m.playbook_id
        FROM plain_match m
        WHERE NOT EXISTS (SELECT 1 FROM work_playbookrun r WHERE r.status = 'open'
                          AND r.customer_id = m.customer_id AND r.playbook_id = m.playbook_id)
        ORDER BY m.customer_id, m.playbook_id, m.rule_order
        ON CONFLICT DO NOTHING
        """
    )
    started = cursor.rowcount
    cursor.execute("SELECT count(*), count(DISTINCT customer_id) FROM plain_match")
    rows, customers = cursor.fetchone()
    cursor.execute("SELECT kind, count(*) FROM plain_match GROUP BY kind ORDER BY kind")
    by_kind = dict(cursor.fetchall())
    # Tasks: owner, team lead, or the team's intern with the least weighted open work, each
    # new task adding its weight: the n-th intern task of a team goes to the n-th smallest
    # (load + weight * k, intern id) over the team's interns and k = 0, 1, 2, ...
    weight = PRIORITY_WEIGHTS[Priority.HIGH]
    loads = " ".join(f"WHEN {literal(p)} THEN {w}" for p, w in PRIORITY_WEIGHTS.items())
    cursor.execute(
        f"""
        WITH run AS (
            SELECT r.id, r.customer_id, r.playbook_id, r.revenue_at_risk, c.owner_id,
                c.team_id, t.lead_id
            FROM work_playbookrun r JOIN customers_customer c ON c.id = r.customer_id
            LEFT JOIN accounts_team t ON t.id = c.team_id
            WHERE r.batch = {literal(batch)}),
        intern AS (
            SELECT u.id, u.team_id, coalesce((
                SELECT sum(CASE k.priority {loads} ELSE 1 END) FROM work_task k
                WHERE k.owner_id = u.id AND k.status = 'open'), 0) AS load
            FROM accounts_user u
            JOIN accounts_user_groups ug ON ug.user_id = u.id
            JOIN auth_group g ON g.id = ug.group_id AND g.name = 'intern'
            WHERE u.is_active AND u.team_id IS NOT NULL),
        task AS (
            SELECT run.*, st.title, st.due_in_days, st.assign_to,
                CASE WHEN st.assign_to = 'intern' AND EXISTS (
                         SELECT 1 FROM intern WHERE intern.team_id = run.team_id)
                     THEN row_number() OVER (
                         PARTITION BY run.team_id, st.assign_to = 'intern'
                         ORDER BY run.revenue_at_risk DESC, run.id, st.position, st.id)
                END AS n
            FROM run JOIN work_playbookstep st ON st.playbook_id = run.playbook_id),
        need AS (SELECT team_id, max(n) AS n FROM task WHERE n IS NOT NULL GROUP BY team_id),
        slot AS (
            SELECT intern.id, intern.team_id, row_number() OVER (
                PARTITION BY intern.team_id ORDER BY intern.load + {weight} * k, intern.id) AS n
            FROM intern JOIN need ON need.team_id = intern.team_id
            CROSS JOIN LATERAL generate_series(0, need.n - 1) AS k)
        INSERT INTO work_task (code, title, notes, due_at, priority, status, recurrence,
            remind_at, created_at, updated_at, owner_id, team_id, customer_id, playbook_run_id)
        SELECT gen_random_uuid(), task.title, '', {moment_sql} + make_interval(days => task.due_in_days),
            'high', 'open', '',
            {moment_sql} + make_interval(days => task.due_in_days) - interval '1 hour',
            now(), now(),
            CASE WHEN task.assign_to = 'lead' AND task.lead_id IS NOT NULL THEN task.lead_id
                 WHEN task.n IS NOT NULL THEN slot.id
                 ELSE task.owner_id END,
            task.team_id, task.customer_id, task.id
        FROM task LEFT JOIN slot ON slot.team_id = task.team_id AND slot.n = task.n
        """
    )
    tasks = cursor.rowcount
    summary = sql_text(
        _("Playbook “%(playbook)s” started: %(reason)s"), playbook="p.name", reason="r.reason"
    )
    cursor.execute(
        f"""
        INSERT INTO engagement_timelineevent (kind, summary, data, occurred_at, source_type,
            source_id, created_at, updated_at, customer_id)
        SELECT 'task', left({summary}, 300),
            jsonb_build_object('playbook', p.name, 'trigger', r.kind, 'reason', r.reason,
                               'figures', r.figures),
            {moment_sql}, 'work.playbookrun', r.id::text, now(), now(), r.customer_id
        FROM work_playbookrun r JOIN work_playbook p ON p.id = r.playbook_id
        WHERE r.batch = {literal(batch)}
        """
    )
    events = cursor.rowcount
    return {
        "customers": customers,
        "started": started,
        "already_open": rows - started,
        "rows": rows,
        "tasks": tasks,
        "events": events,
        "by_kind": by_kind,
    }


# -- the run ------------------------------------------------------------------------------


def run(customers: int, stores: int, days: int) -> dict:
    import uuid

    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import translation

    from setia.lib.dates import now
    from setia.work.automation.evaluation import evaluate
    from setia.work.automation.models import PlaybookRun, TriggerRule
    from setia.work.schedule.models import Task

    today = date.today()
    day = today - timedelta(days=1)
    prepare(customers, stores, days, today)
    # Kinds without a hand-written counterpart here (health fell: its scores are another bench's)
    # are left out of both sides, so that each side evaluates the same rules.
    off = TriggerRule.objects.filter(is_active=True).exclude(kind__in=HAND_WRITTEN_KINDS)
    for kind in off.values_list("kind", flat=True).distinct():
        print(f"rule kind {kind} left out: no hand-written SQL for it in this bench")
    off.update(is_active=False)
    rules = list(
        TriggerRule.objects.filter(is_active=True).select_related("playbook").order_by("kind", "id")
    )
    print(f"{len(rules)} active rules; evaluating as of {day}")
    seconds, figures = {}, {}

    def checkpoint():
        # Every phase starts clean: the rows a rolled-back phase left behind are vacuumed away
        # (or the next phase would pay for their dead index entries) and nothing is dirty.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM work_playbookrun, work_task, engagement_timelineevent")
            cursor.execute("CHECKPOINT")

    def plain(name, *, timed=True):
        """The plain SQL evaluation, rolled back; returns the pairs it started."""
        checkpoint()
        batch = str(uuid.uuid4())
        with transaction.atomic(), connection.cursor() as cursor:
            with translation.override(settings.LANGUAGE_CODE):
                started = time.perf_counter()
                counts = plain_evaluation(cursor, rules, day, now(), batch)
                elapsed = time.perf_counter() - started
            cursor.execute(
                f"SELECT customer_id, playbook_id FROM work_playbookrun WHERE batch = '{batch}'"
            )
            pairs = set(cursor.fetchall())
            transaction.set_rollback(True)
        if timed:
            seconds[name], figures[name] = elapsed, counts
            print(f"  {name}: {elapsed:.1f} s {summary(counts)}")
        return pairs

    def ours(name):
        checkpoint()
        before = PlaybookRun.objects.order_by("-id").values_list("id", flat=True).first() or 0
        tasks_before = Task.objects.count()
        started = time.perf_counter()
        outcome = evaluate(day=day)
        seconds[name] = time.perf_counter() - started
        new = PlaybookRun.objects.filter(id__gt=before)
        counts = {
            "customers": outcome.customers,
            "started": outcome.started,
            "already_open": outcome.already_open,
            "rows": outcome.started + outcome.already_open,
            "tasks": Task.objects.count() - tasks_before,
        }
        figures[name] = counts
        print(f"  {name}: {seconds[name]:.1f} s {summary(counts)}")
        return set(new.values_list("customer_id", "playbook_id"))

    plain("warm-up", timed=False)
    plain_pairs = plain("p")
    print("  matches by rule kind: " + summary(figures["p"]["by_kind"]))
    our_pairs = ours("o")
    plain("p2")
    ours("o2")
    only_plain, only_ours = plain_pairs - our_pairs, our_pairs - plain_pairs
    return {
        "seconds": seconds,
        "figures": figures,
        "only_plain": sorted(only_plain)[:5],
        "only_ours": sorted(only_ours)[:5],
        "differences": len(only_plain) + len(only_ours),
        "customers": customers,
    }


def summary(counts: dict) -> str:
    return " ".join(f"{key}={value:,}" for key, value in counts.items() if key != "by_kind")


def report(results: dict) -> None:
    seconds, figures = results["seconds"], results["figures"]
    print()
    print(f"{'phase':<48}{'seconds':>10}{'matched':>10}{'started':>10}")
    labels = {
        "p": "(p)  plain SQL, first evaluation",
        "o": "(o)  evaluate(), first evaluation",
        "p2": "(p2) plain SQL again (nothing new)",
        "o2": "(o2) evaluate() again (idempotent)",
    }
    for name, label in labels.items():
        row = figures[name]
        print(f"{label:<48}{seconds[name]:>10.2f}{row['rows']:>10,}{row['started']:>10,}")
    print()
    print(f"o/p   = {seconds['o'] / seconds['p']:.2f}  (goal <= 2; time of o over time of p)")
    print(f"o2/p2 = {seconds['o2'] / seconds['p2']:.2f}")
    if results["differences"]:
        print(
            f"WARNING: {results['differences']} (customer, playbook) pairs started by only one "
            f"side; plain only {results['only_plain']}, ours only {results['only_ours']}"
        )
    else:
        print("(p) and (o) started the same (customer, playbook) pairs")
    if figures["o2"]["started"]:
        print(f"WARNING: the second evaluation started {figures['o2']['started']} runs")


if __name__ == "__main__":
    main()
