"""A participant's status and the campaign channels, in a module of their own so that the
timeline renderer (loaded with the app, before its models) can read their names."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ParticipantStatus(models.TextChoices):
    INVITED = "invited", pgettext_lazy("campaign participant", "Invited")
    JOINED = "joined", pgettext_lazy("campaign participant", "Joined")


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    INSTAGRAM_POST = "instagram_post", _("Instagram post")
    INSTAGRAM_STORY = "instagram_story", _("Instagram story")
    ADMIN_BANNER = "admin_banner", _("Admin banner")


class CampaignKind(models.TextChoices):
    # An initiative is a programme of our own for a group of merchants (the TikTok programme
    # for low- and mid-GMV merchants): enrolled merchants, milestones, its outcome measured as
    # a campaign's.
    CAMPAIGN = "campaign", _("Campaign")
    INITIATIVE = "initiative", _("Initiative")
