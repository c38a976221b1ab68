from io import StringIO

from django.core.management import call_command

from setia.accounts.models import User
from setia.announcements.models import Acknowledgement, Announcement, Audience, Kind


def _load() -> str:
    out = StringIO()
    call_command("load_demo", customers=12, seed=5, verbosity=0, stdout=out)
    return out.getvalue()


def test_the_v2_release_and_a_teams_process_change_once(db):
    assert "announcements created=2" in _load()
    release, process = Announcement.objects.order_by("published_at")
    assert release.kind == Kind.RELEASE and release.release.name == "Toko v2"
    assert release.audience == Audience.EVERYONE
    assert process.kind == Kind.PROCESS and process.audience == Audience.TEAMS
    assert [team.name for team in process.teams.all()] == ["Tim Barat"]

    # the demo manager has nothing waiting; a Tim Barat executive sees the banner
    assert not User.objects.get(email="manager@setia.test").announcements_pending
    assert User.objects.get(email="executive@setia.test").announcements_pending
    assert Acknowledgement.objects.filter(announcement=process).count() == 1

    assert "announcements created=0" in _load()
    assert Announcement.objects.count() == 2
