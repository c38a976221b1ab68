"""Playbooks and their steps are named in both languages; the seeded ones were Indonesian only
and are moved to the English-and-Indonesian fields without touching an admin's edits."""

import importlib

from django.apps import apps
from django.utils import translation

from setia.work.automation.models import Playbook, PlaybookStep

rename = importlib.import_module("setia.work.migrations.0010_playbook_names_in_both_languages")


def test_the_seeded_playbooks_and_steps_are_named_in_both_languages(db):
    assert list(Playbook.objects.order_by("id").values_list("name", "name_id")) == [
        ("Website problems", "Website bermasalah"),
        ("GMV recovery", "Pemulihan GMV"),
        ("Stalled onboarding", "Onboarding macet"),
        ("Subscription renewal", "Perpanjangan langganan"),
        ("Customer check-in", "Sapa pelanggan"),
        ("Health recovery", "Pemulihan kesehatan pelanggan"),
        ("Survey follow-up", "Tindak lanjut survei"),
    ]
    assert not PlaybookStep.objects.filter(title_id="").exists()
    recovery = Playbook.objects.get(name="GMV recovery")
    with translation.override("id"):
        assert recovery.display_name == "Pemulihan GMV"
    with translation.override("en"):
        assert recovery.display_name == "GMV recovery"


def test_a_playbook_or_step_an_admin_renamed_keeps_its_name(db):
    # The state before the migration: Indonesian names only.
    rename.back_to_indonesian(apps, None)
    Playbook.objects.update(name_id="")
    PlaybookStep.objects.update(title_id="")
    Playbook.objects.filter(name="Pemulihan GMV").update(name="Selamatkan GMV")
    PlaybookStep.objects.filter(title="Siapkan ide promo untuk toko").update(title="Siapkan promo")

    rename.name_in_both_languages(apps, None)

    assert Playbook.objects.filter(name="Selamatkan GMV", name_id="").exists()
    assert Playbook.objects.filter(name="Website problems", name_id="Website bermasalah").exists()
    assert PlaybookStep.objects.filter(title="Siapkan promo", title_id="").exists()


def test_the_description_is_shown_in_the_readers_language():
    playbook = Playbook(name="GMV recovery", description="Call first.", description_id="")
    with translation.override("id"):
        assert playbook.display_description == "Call first."
    playbook.description_id = "Telepon dulu."
    with translation.override("id"):
        assert playbook.display_description == "Telepon dulu."
