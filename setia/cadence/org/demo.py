"""The org chart's demo: a third team that was put together through the org actions (so the
history has moves, a lead and a promotion), and the topics each demo person can be asked about.
Idempotent: the team and its people are made once; topics are listed for people with none."""

from django.contrib.auth.models import Group

from setia.accounts.models import Role, Team, User
from setia.cadence.org import actions
from setia.cadence.org.models import Expertise
from setia.customers.demo_load import DEMO_PASSWORD

TEAM = "Tim Onboarding"
# (email, full name, role on joining)
NEWCOMERS = [
    ("lead.onboarding@setia.test", "Nadia Rahmawati", Role.EXECUTIVE),
    ("intern.onboarding@setia.test", "Fajar Hidayat", Role.INTERN),
]
TOPICS = {
    "admin@setia.test": ["Akses dan peran pengguna", "Webhook dan API"],
    "manager@setia.test": ["Target tim", "Eskalasi pelanggan besar"],
    "executive@setia.test": ["COD", "Shopee", "Onboarding toko baru"],
    "executive2@setia.test": ["Domain dan SSL", "Integrasi kurir", "COD"],
    "intern@setia.test": ["Desain template", "Foto produk"],
    "viewer@setia.test": ["Laporan mingguan"],
    "executive.timur@setia.test": ["Midtrans", "Retensi pelanggan", "Tokopedia"],
    "executive2.timur@setia.test": ["Promo dan voucher", "WhatsApp Business"],
    "intern.timur@setia.test": ["Import produk massal"],
    "lead.onboarding@setia.test": ["Onboarding toko baru", "Migrasi dari marketplace"],
    "intern.onboarding@setia.test": ["Tutorial video", "Katalog produk"],
}


def load(*, people) -> str:
    """Make the onboarding team and list the topics; return a one-line summary."""
    admin = next((user for user in people.users if user.is_superuser), None)
    changes = 0
    if admin is not None and not Team.objects.filter(name=TEAM).exists():
        team = Team.objects.create(name=TEAM)
        newcomers = []
        for email, full_name, role in NEWCOMERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name)
                user.groups.add(Group.objects.get(name=role))
            newcomers.append(user)
        for user in newcomers:
            changes += actions.move_person(person=user, team=team, actor=admin) is not None
        lead, intern = newcomers
        changes += actions.set_lead(team=team, lead=lead, actor=admin) is not None
        promoted = actions.set_role(person=intern, role=Role.EXECUTIVE, actor=admin)
        changes += promoted is not None
    listed = 0
    with_topics = set(Expertise.objects.values_list("person_id", flat=True))
    for user in User.objects.filter(email__in=TOPICS).exclude(pk__in=with_topics):
        listed += len(actions.set_expertise(person=user, topics=TOPICS[user.email], actor=user))
    return f"org chart: {changes} changes, {listed} topics listed"
