"""Demo announcements: the store platform's v2 release, told to everyone on its release day
and read by nearly all, and a process change for Tim Barat two days ago, read by few, so that
its people see the banner and the read report has both columns."""

import datetime

from rich.progress import Progress

from setia.accounts.models import User
from setia.announcements import actions
from setia.announcements.models import Acknowledgement, Announcement, Audience, Kind
from setia.engagement.models import Release
from setia.lib.dates import now

V2 = {
    "kind": Kind.RELEASE,
    "title_id": "Toko v2 sudah rilis: tampilan baru dan checkout satu halaman",
    "title_en": "Toko v2 is out: a new look and a one-page checkout",
    "body_id": (
        "Mulai hari ini semua toko memakai Toko v2. Yang berubah untuk pelanggan: tampilan toko "
        "baru dan checkout satu halaman.\n\nSaat pelanggan mengeluh soal v2, catat interaksinya "
        "dengan rilis Toko v2 dan area produknya, supaya laporan keluhan per rilis akurat."
    ),
    "body_en": (
        "From today every store runs on Toko v2. What changes for merchants: the new store look "
        "and a one-page checkout.\n\nWhen a merchant complains about v2, log the interaction "
        "with the Toko v2 release and its product area, so that the complaints per release are "
        "right."
    ),
    "audience": Audience.EVERYONE,
    "requires_acknowledgement": True,
    "remind_after_days": 3,
}
CHECKPOINT = {
    "kind": Kind.PROCESS,
    "title_id": "Checkpoint harian diisi sebelum pukul 10.00",
    "title_en": "The daily checkpoint is due by 10:00",
    "body_id": (
        "Mulai minggu ini checkpoint harian Tim Barat diisi sebelum pukul 10.00 WIB: rencana, "
        "hasil kemarin dan hambatan. Lead membahas hambatan di stand-up pukul 10.15."
    ),
    "body_en": (
        "From this week Tim Barat fills in the daily checkpoint by 10:00 WIB: the plan, "
        "yesterday's results and blockers. The lead goes through the blockers at the 10:15 "
        "stand-up."
    ),
    "audience": Audience.TEAMS,
    "requires_acknowledgement": True,
    "remind_after_days": 2,
}
# Who has not read them yet (the others have).
V2_UNREAD = {"viewer@setia.test", "intern.timur@setia.test"}
CHECKPOINT_READ = {"executive2@setia.test"}


def _publish(data, *, author, teams, days_ago: int, read_by) -> Announcement:
    announcement = actions.publish_announcement(author=author, data=data, teams=teams)
    published_at = now() - datetime.timedelta(days=days_ago)
    Announcement.objects.filter(pk=announcement.pk).update(published_at=published_at)
    Acknowledgement.objects.bulk_create(
        Acknowledgement(
            announcement=announcement,
            user=person,
            acknowledged_at=published_at + datetime.timedelta(hours=2 + index * 3),
        )
        for index, person in enumerate(read_by)
    )
    return announcement


def load(*, seed: int, people, reference: datetime.date, progress: Progress) -> str:
    """Publish the two announcements if missing; return a one-line summary."""
    if Announcement.objects.filter(title_en=V2["title_en"]).exists():
        return "announcements created=0"
    manager = User.objects.filter(email="manager@setia.test").first()
    release = Release.objects.filter(name="Toko v2").first()
    days_ago = (reference - release.released_on).days if release else 120
    everyone = User.objects.filter(is_active=True).exclude(email__in=V2_UNREAD).order_by("pk")
    _publish(
        {**V2, "release": release},
        author=manager,
        teams=[],
        days_ago=days_ago,
        read_by=list(everyone),
    )
    barat = next((team for team in people.teams if team.name == "Tim Barat"), people.teams[0])
    _publish(
        CHECKPOINT,
        author=manager,
        teams=[barat],
        days_ago=2,
        read_by=list(User.objects.filter(email__in=CHECKPOINT_READ)),
    )
    actions.refresh_pending()
    return "announcements created=2"
