import re

from django.urls import reverse

from setia.work.automation.models import TriggerRule

URL = reverse("work:thresholds")


def _data(rules, **changes):
    data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules)}
    for n, rule in enumerate(rules):
        data[f"form-{n}-id"] = rule.pk
        data[f"form-{n}-threshold"] = rule.threshold
        data[f"form-{n}-window_days"] = rule.window_days
        if rule.is_active:
            data[f"form-{n}-is_active"] = "on"
    data.update(changes)
    return data


def test_it_ships_sensible_defaults(db):
    rules = {
        (rule.kind, rule.tier.name if rule.tier else ""): rule for rule in TriggerRule.objects.all()
    }
    assert (rules["gmv_drop", ""].threshold, rules["renewal_due", ""].window_days) == (30, 30)
    assert (rules["website_down", ""].threshold, rules["website_down", ""].window_days) == (95, 2)
    assert rules["no_interaction", "Platinum"].window_days == 14
    assert rules["no_interaction", "Bronze"].window_days == 60


def test_a_manager_edits_the_thresholds(client, manager):
    rules = list(TriggerRule.objects.select_related("playbook", "tier"))
    gmv = next(n for n, rule in enumerate(rules) if rule.kind == "gmv_drop")
    client.force_login(manager)
    assert client.get(URL).status_code == 200

    response = client.post(
        URL, _data(rules, **{f"form-{gmv}-threshold": 25, f"form-{gmv}-is_active": ""})
    )

    assert response.status_code == 302
    rule = TriggerRule.objects.get(kind="gmv_drop")
    assert (rule.threshold, rule.is_active) == (25, False)


def test_it_refuses_zero_days(client, manager):
    rules = list(TriggerRule.objects.all())
    client.force_login(manager)
    response = client.post(URL, _data(rules, **{"form-0-window_days": 0}))
    assert response.status_code == 400
    assert TriggerRule.objects.get(pk=rules[0].pk).window_days == rules[0].window_days


def test_it_follows_the_matrix(client, executive, intern, viewer, manager):
    rules = list(TriggerRule.objects.all())
    before = list(TriggerRule.objects.values_list("threshold", flat=True))
    assert client.get(URL).status_code == 302
    for user in (executive, intern, viewer):
        client.force_login(user)
        assert client.post(URL, _data(rules, **{"form-0-threshold": 1})).status_code == 403
    client.force_login(manager)
    assert client.put(URL).status_code == 405
    assert list(TriggerRule.objects.values_list("threshold", flat=True)) == before


def test_it_shows_units_and_no_box_for_rules_without_a_threshold(client, manager):
    client.force_login(manager)
    response = client.get(URL, headers={"accept-language": "en"})
    forms = response.context["formset"].forms
    boxes = {form.instance.kind: set(form.fields) for form in forms}

    assert boxes["gmv_drop"] == {"id", "threshold", "window_days", "is_active"}
    assert boxes["renewal_due"] == boxes["no_interaction"] == {"id", "window_days", "is_active"}
    assert boxes["onboarding_stalled"] == {"id", "is_active"}
    page = response.content.decode()
    assert len(re.findall(r'name="form-\d+-threshold"', page)) == 4
    for unit in ("% uptime", "errors", "% fall", "points"):
        assert f'<span class="unit">{unit}</span>' in page
    assert TriggerRule.objects.get(kind="gmv_drop").window_days == 30


def test_saving_keeps_what_rules_without_a_threshold_have(client, manager):
    rules = list(TriggerRule.objects.select_related("playbook", "tier"))
    client.force_login(manager)
    data = _data(rules)
    for n, rule in enumerate(rules):
        if rule.kind in ("renewal_due", "no_interaction", "onboarding_stalled"):
            del data[f"form-{n}-threshold"]
        if rule.kind == "onboarding_stalled":
            del data[f"form-{n}-window_days"]

    assert client.post(URL, data).status_code == 302
    assert TriggerRule.objects.get(kind="onboarding_stalled").window_days == 1
