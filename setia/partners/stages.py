"""The activation funnel of a programme, in a module of its own so that the timeline renderer
(loaded with the app, before its models) can read the stages' names."""

from django.db import models
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    """The activation funnel, in order."""

    OFFERED = "offered", pgettext_lazy("programme stage", "Offered")
    INTERESTED = "interested", pgettext_lazy("programme stage", "Interested")
    REFERRED = "referred", pgettext_lazy("programme stage", "Referred")
    ACTIVE = "active", pgettext_lazy("programme stage", "Active")


# Each stage and the one that may follow it: the funnel moves one step forward at a time.
NEXT_STAGE = {
    Stage.OFFERED: Stage.INTERESTED,
    Stage.INTERESTED: Stage.REFERRED,
    Stage.REFERRED: Stage.ACTIVE,
}

# The column of `Referral` holding when a referral reached each stage.
STAGE_TIME = {
    Stage.OFFERED: "offered_at",
    Stage.INTERESTED: "interested_at",
    Stage.REFERRED: "referred_at",
    Stage.ACTIVE: "activated_at",
}
