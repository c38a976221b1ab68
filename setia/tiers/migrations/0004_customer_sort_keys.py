from django.db import migrations

# The customers list's tier and GMV sort keys, now kept on the customer row, from the
# assignments that already exist (the nightly run keeps them from then on).
SET_KEYS = """
UPDATE customers_customer
SET tier_rank = k.position, gmv_90d = k.gmv_90d
FROM (SELECT a.customer_id, t.position, a.gmv_90d
      FROM tiers_customertier a JOIN tiers_tier t ON t.id = a.tier_id) AS k
WHERE k.customer_id = customers_customer.id
"""


def set_keys(apps, schema_editor):
    schema_editor.execute(SET_KEYS)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0011_list_sort_keys_on_the_row"),
        ("tiers", "0003_tier_names_in_both_languages"),
    ]

    operations = [migrations.RunPython(set_keys, migrations.RunPython.noop)]
