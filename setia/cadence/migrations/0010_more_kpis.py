from django.db import migrations, models

# Offer events from before the revenue-kept KPI lack the offer's monthly price, which the
# KPI sums from the timeline: copy it from the offer, in one statement.
_BACKFILL = {
    "postgresql": """
        UPDATE {event} AS e
        SET data = e.data || jsonb_build_object('monthly_price', o.monthly_price)
        FROM {offer} AS o
        WHERE e.kind = 'offer' AND e.source_type = 'engagement.retentionoffer'
          AND e.source_id = o.id::text AND NOT (e.data ? 'monthly_price')
    """,
    "sqlite": """
        UPDATE {event}
        SET data = json_set(data, '$.monthly_price', (
            SELECT o.monthly_price FROM {offer} AS o WHERE CAST(o.id AS TEXT) = {event}.source_id
        ))
        WHERE kind = 'offer' AND source_type = 'engagement.retentionoffer'
          AND json_extract(data, '$.monthly_price') IS NULL
          AND EXISTS (
            SELECT 1 FROM {offer} AS o WHERE CAST(o.id AS TEXT) = {event}.source_id
          )
    """,
}


def add_offer_prices(apps, schema_editor):
    connection = schema_editor.connection
    tables = {
        "event": connection.ops.quote_name(
            apps.get_model("audit", "TimelineEvent")._meta.db_table
        ),
        "offer": connection.ops.quote_name(
            apps.get_model("engagement", "RetentionOffer")._meta.db_table
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute(_BACKFILL[connection.vendor].format(**tables))


class Migration(migrations.Migration):
    dependencies = [
        ("cadence", "0009_org_chart"),
        ("engagement", "0019_release_permissions"),
        ("audit", "0008_timeline_kind_moment_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="target",
            name="kpi",
            field=models.CharField(
                choices=[
                    ("calls", "Calls"),
                    ("whatsapp_sent", "WhatsApp messages sent"),
                    ("emails_sent", "E-mails sent"),
                    ("meetings", "Meetings"),
                    ("tasks_done", "Tasks completed"),
                    ("offers_accepted", "Retention offers accepted"),
                    ("revenue_kept", "Revenue kept by retention offers"),
                    ("onboarded_live", "Customers onboarded to live"),
                    ("gmv_owned", "GMV of owned customers"),
                    ("tier_upgrades", "Tier upgrades of owned customers"),
                    ("survey_responses", "Survey responses from owned customers"),
                    ("nps", "NPS of owned customers"),
                    ("manual", "Entered by hand"),
                ],
                max_length=30,
                verbose_name="KPI",
            ),
        ),
        migrations.RunPython(add_offer_prices, migrations.RunPython.noop, elidable=True),
    ]
