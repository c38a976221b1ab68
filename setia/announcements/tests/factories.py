from setia.announcements.actions import publish_announcement
from setia.announcements.models import Audience, Kind


def publish(author, *, audience=Audience.EVERYONE, roles=(), teams=(), **fields):
    """Publish an announcement with default texts through the one action that publishes."""
    data = {
        "kind": Kind.PROCESS,
        "title_id": "Proses baru",
        "title_en": "A new process",
        "body_id": "Isi pengumuman.",
        "body_en": "What changes.",
        "release": None,
        "audience": audience,
        "requires_acknowledgement": True,
        "remind_after_days": None,
        **fields,
    }
    return publish_announcement(author=author, data=data, roles=list(roles), teams=list(teams))
