"""The account brief on the customer 360 page: templated sentences built on the server from
the customer's own records, each linked to the record it says something about.

Nothing is sent anywhere: no model, no outside service. Each sentence is a translated template
filled with figures read from this customer's rows (tier, rollup, health, subscription, tasks,
playbook runs, interactions), so it can be checked against its source by following its link.
The brief runs a fixed number of queries whatever the customer's history (`brief_card`), and
lists the customers most like this one (`setia.metrics.similar`).

It sits in the composition layer because it reads health, which sits above the other domains.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from setia.core.cards import Card, read_once
from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Customer
from setia.engagement.models import Interaction
from setia.health.actions import ISSUE_KINDS, ISSUE_OUTCOME, RESOLVED, factor_settings
from setia.health.models import Factor, FactorSetting, Grade
from setia.health.reasons import reasons
from setia.lib.dates import now, today
from setia.lib.display import format_number
from setia.lib.money import format_rupiah
from setia.metrics.similar import gmv_trend, similar_customers
from setia.tiers.models import DOWNGRADE_AFTER_RUNS, DOWNGRADE_MARGIN_PERCENT
from setia.work.automation.models import PlaybookRun
from setia.work.cards import open_tasks
from setia.work.schedule.models import Task

# The brief reads the tasks card's open tasks (`open_tasks`, CUSTOMER_TASKS_LIMIT of them, more
# than it shows): one more than it shows tells it that there are more.
TASKS_SHOWN = 3
RUNS_SHOWN = 3
INTERACTIONS_SHOWN = 3
ISSUES_SHOWN = 3
# A renewal this close is a risk as well as a date.
RENEWAL_SOON_DAYS = 60


@dataclass(frozen=True)
class Sentence:
    """One sentence of the brief and the record it comes from: `url` opens that record,
    `source` names it ("Task", "Interaction of 3 Dec 2026", …)."""

    text: str
    url: str
    source: str


@dataclass
class Brief:
    """The brief's sentences by section, in page order; empty sections are left out."""

    sections: list[tuple[str, list[Sentence]]] = field(default_factory=list)
    similar: list = field(default_factory=list)

    def add(self, title: str, sentences: list[Sentence]) -> None:
        if sentences:
            self.sections.append((title, sentences))

    @property
    def sentences(self) -> list[Sentence]:
        return [sentence for _title, sentences in self.sections for sentence in sentences]


def brief_card(customer: Customer, request: AuthenticatedHttpRequest) -> Card:
    """The "Account brief" card: the brief and the similar customers, in five queries
    whatever the customer's history, three for readers who may not see tasks and playbook runs
    (see `account_brief`). The health settings and the open tasks are read once for the page's
    cards (`read_once`): the health card and the tasks card show them too."""
    user = request.user
    brief = account_brief(
        customer,
        user,
        settings=read_once(request, factor_settings),
        tasks=read_once(request, open_tasks, customer, user),
    )
    library = reverse("library:guide-detail", args=[customer.category.slug])
    return Card(
        "customers/_brief.html",
        {
            "customer": customer,
            "brief": brief,
            "stores_like_url": f"{library}?{urlencode({'like': str(customer.code)})}#stores-like",
        },
    )


def account_brief(
    customer: Customer,
    user,
    *,
    settings: dict[str, FactorSetting] | None = None,
    tasks: list[Task] | None = None,
) -> Brief:
    """`customer`'s brief as `user` reads it, from this customer's records only.

    Queries: the tier, rollup, health and subscription are read from the customer (the 360
    page joins them into its query for the customer); the health settings
    (`factor_settings`) and the open tasks the user may see (`open_tasks`), unless the caller
    passes them; the open playbook runs the user may see (none for those who may not);
    the last interactions and the open complaints (one); the similar customers. Each is
    limited, so a customer with years of history costs the same.
    """
    assignment = getattr(customer, "tier_assignment", None)
    rollup = getattr(customer, "rollup", None)
    health = getattr(customer, "health", None)
    subscription = getattr(customer, "subscription", None)
    if settings is None:
        settings = factor_settings()
    if tasks is None:
        tasks = open_tasks(customer, user)
    page = customer.get_absolute_url()
    runs: list[PlaybookRun] = []
    if user.has_perm("work.view_playbookrun"):
        runs = list(
            PlaybookRun.objects.open()
            .filter(customer=customer)
            .select_related("playbook")
            .order_by("-started_at", "-id")[:RUNS_SHOWN]
        )
    # The last interactions and the open complaints in one query: each set is a limited
    # subquery of ids. Newest first, the union starts with the last interactions (a complaint
    # not among them is older than all of them).
    mine = Interaction.objects.filter(customer=customer).order_by("-occurred_at", "-id")
    since = now() - datetime.timedelta(days=settings[Factor.ISSUES].window_days)
    open_issues = (
        mine.filter(occurred_at__gte=since)
        .filter(Q(kind__in=ISSUE_KINDS) | Q(outcome=ISSUE_OUTCOME))
        .exclude(outcome=RESOLVED)
    )
    recent_ids = mine.values("pk")[:INTERACTIONS_SHOWN]
    issue_ids = open_issues.values("pk")[:ISSUES_SHOWN]
    rows = list(mine.filter(Q(pk__in=recent_ids) | Q(pk__in=issue_ids)).select_related("contact"))
    recent = rows[:INTERACTIONS_SHOWN]
    issues = [row for row in rows if _is_open_issue(row, since)][:ISSUES_SHOWN]

    brief = Brief()
    value = _tier_sentences(user, customer, assignment) + _gmv_sentences(page, rollup)
    brief.add(_("Value"), value)
    brief.add(_("Open work"), _task_sentences(tasks) + _run_sentences(runs))
    brief.add(_("Last interactions and promises"), _interaction_sentences(customer, recent))
    brief.add(_("Renewal"), _renewal_sentences(page, subscription))
    brief.add(
        _("Risks"),
        _risk_sentences(customer, page, health, settings, issues, subscription),
    )
    if not brief.sections:
        brief.add(
            _("Nothing yet"),
            [
                Sentence(
                    _(
                        "Nothing is recorded about %(name)s yet: no tier, sales figures, "
                        "interactions, open work or subscription."
                    )
                    % {"name": customer.name},
                    reverse("engagement:timeline", args=[customer.code]),
                    _("Timeline"),
                )
            ],
        )
    brief.similar = similar_customers(customer, user, rollup)
    return brief


def _is_open_issue(interaction: Interaction, since: datetime.datetime) -> bool:
    """The health score's rule for an open complaint, on a row already read."""
    return (
        interaction.occurred_at >= since
        and (interaction.kind in ISSUE_KINDS or interaction.outcome == ISSUE_OUTCOME)
        and interaction.outcome != RESOLVED
    )


def _day(value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "DATE_FORMAT")


def _tier_sentences(user, customer, assignment) -> list[Sentence]:
    if assignment is None:
        return []
    tier = assignment.tier.display_name
    if user.has_perm("tiers.view_tier"):
        url, source = reverse("tiers:tier-list"), _("Tiers")
    else:
        url, source = f"{customer.get_absolute_url()}#why-tier", _("Why this tier")
    rule = assignment.rule
    if rule is not None and rule.category is not None:
        scope = _("the rule for %(category)s") % {"category": rule.category.display_name}
    else:
        scope = _("the rule for every category")
    values = {
        "tier": tier,
        "since": _day(assignment.since),
        "gmv": format_rupiah(assignment.gmv_90d),
        "threshold": format_rupiah(assignment.threshold),
        "scope": scope,
    }
    if assignment.gmv_90d >= assignment.threshold:
        text = (
            _(
                "%(tier)s since %(since)s: its 90-day GMV of %(gmv)s reaches the threshold of "
                "%(threshold)s set by %(scope)s."
            )
            % values
        )
    elif assignment.gmv_90d >= assignment.downgrade_floor:
        text = _(
            "%(tier)s since %(since)s: its 90-day GMV of %(gmv)s is below the threshold of "
            "%(threshold)s (%(scope)s) but within the %(margin)s%% margin, so it keeps "
            "the tier."
        ) % {**values, "margin": DOWNGRADE_MARGIN_PERCENT}
    else:
        text = _(
            "%(tier)s since %(since)s, at risk of falling: its 90-day GMV of %(gmv)s is "
            "more than %(margin)s%% below the threshold of %(threshold)s (%(scope)s); "
            "%(runs)s runs like this lower the tier."
        ) % {**values, "margin": DOWNGRADE_MARGIN_PERCENT, "runs": DOWNGRADE_AFTER_RUNS}
    return [Sentence(text, url, source)]


def _gmv_sentences(page: str, rollup) -> list[Sentence]:
    if rollup is None:
        return []
    url, source = f"{page}#value", _("GMV figures")
    trend = gmv_trend(rollup)
    if trend is None:
        text = _("No GMV in the 90 days to %(day)s.") % {"day": _day(rollup.as_of)}
        return [Sentence(text, url, source)]
    values = {
        "gmv_30d": format_rupiah(rollup.gmv_30d),
        "monthly": format_rupiah(rollup.gmv_90d // 3),
        "trend": format_number(round(abs(trend), 1)),
        "day": _day(rollup.as_of),
    }
    if trend >= 5:
        template = _(
            "GMV is growing: %(gmv_30d)s in the last 30 days, %(trend)s%% above its 90-day "
            "monthly average of %(monthly)s (to %(day)s)."
        )
    elif trend <= -5:
        template = _(
            "GMV is falling: %(gmv_30d)s in the last 30 days, %(trend)s%% below its 90-day "
            "monthly average of %(monthly)s (to %(day)s)."
        )
    else:
        template = _(
            "GMV is steady: %(gmv_30d)s in the last 30 days against a 90-day monthly average "
            "of %(monthly)s (to %(day)s)."
        )
    return [Sentence(template % values, url, source)]


def _task_sentences(tasks: list[Task]) -> list[Sentence]:
    moment = now()
    sentences = []
    for task in tasks[:TASKS_SHOWN]:
        values = {
            "title": task.title,
            "due": _day(task.due_at),
            "owner": task.owner.full_name if task.owner else _("no one"),
        }
        if task.due_at < moment:
            text = _("Overdue since %(due)s: “%(title)s” (%(owner)s).") % values
        else:
            text = _("Due %(due)s: “%(title)s” (%(owner)s).") % values
        sentences.append(Sentence(text, reverse("work:task-detail", args=[task.code]), _("Task")))
    if len(tasks) > TASKS_SHOWN:
        sentences[-1] = Sentence(
            sentences[-1].text + " " + _("More open tasks are listed under Open tasks."),
            sentences[-1].url,
            sentences[-1].source,
        )
    return sentences


def _run_sentences(runs: list[PlaybookRun]) -> list[Sentence]:
    return [
        Sentence(
            _("Playbook “%(playbook)s” open since %(since)s: %(reason)s")
            % {
                "playbook": run.playbook.display_name,
                "since": _day(run.started_at),
                "reason": run.reason_text,
            },
            reverse("work:run-detail", args=[run.code]),
            _("Playbook run"),
        )
        for run in runs
    ]


def _interaction_url(customer, interaction: Interaction) -> str:
    timeline = reverse("engagement:timeline", args=[customer.code])
    return f"{timeline}?{urlencode({'kind': interaction.kind})}#interaction-{interaction.pk}"


def _interaction_sentences(customer, interactions: list[Interaction]) -> list[Sentence]:
    sentences = []
    for interaction in interactions:
        url = _interaction_url(customer, interaction)
        day = _day(interaction.occurred_at)
        source = _("Interaction of %(day)s") % {"day": day}
        what = interaction.summary or interaction.get_kind_display()
        values = {"kind": interaction.get_kind_display(), "day": day, "what": what}
        if interaction.contact:
            text = _("%(kind)s on %(day)s with %(contact)s: %(what)s") % {
                **values,
                "contact": interaction.contact.name,
            }
        else:
            text = _("%(kind)s on %(day)s: %(what)s") % values
        if interaction.outcome:
            text += " (" + interaction.get_outcome_display().lower() + ")"
        sentences.append(Sentence(_end(text), url, source))
        items = interaction.action_item_list()
        follow_up = interaction.follow_up_on
        promised = "; ".join(items)
        if items and follow_up:
            text = _("Promised on %(day)s: %(items)s, by %(follow_up)s.") % {
                "day": day,
                "items": promised,
                "follow_up": _day(follow_up),
            }
        elif items:
            text = _("Promised on %(day)s: %(items)s.") % {"day": day, "items": promised}
        elif follow_up:
            text = _("On %(day)s we said we would follow up by %(follow_up)s.") % {
                "day": day,
                "follow_up": _day(follow_up),
            }
        else:
            continue
        sentences.append(Sentence(text, url, source))
    return sentences


def _end(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _renewal_sentences(page: str, subscription) -> list[Sentence]:
    if subscription is None:
        return []
    days = (subscription.renews_on - today()).days
    values = {
        "plan": subscription.plan.display_name,
        "day": _day(subscription.renews_on),
        "price": format_rupiah(subscription.net_monthly_price),
    }
    if days < 0:
        text = _("The %(plan)s plan was due to renew on %(day)s (%(price)s a month).") % values
    else:
        text = ngettext(
            "The %(plan)s plan renews on %(day)s, in %(days)s day (%(price)s a month).",
            "The %(plan)s plan renews on %(day)s, in %(days)s days (%(price)s a month).",
            days,
        ) % {**values, "days": format_number(days)}
    return [Sentence(text, f"{page}#subscription", _("Subscription"))]


def _risk_sentences(customer, page, health, settings, issues, subscription) -> list[Sentence]:
    sentences = []
    if customer.status == Customer.Status.AT_RISK:
        sentences.append(
            Sentence(
                _("%(name)s is marked at risk.") % {"name": customer.name},
                reverse("engagement:timeline", args=[customer.code]) + "?kind=change",
                _("Changes"),
            )
        )
    if health is not None and health.grade in (Grade.POOR, Grade.AVERAGE):
        windows = {key: row.window_days for key, row in settings.items()}
        worst = [text for grade, text in reasons(health.factor_grades(), windows) if grade != "g"]
        values = {
            "grade": health.get_grade_display().lower(),
            "score": health.score,
            "reasons": "; ".join(worst),
        }
        if worst:
            text = _("Health is %(grade)s (%(score)s): %(reasons)s.") % values
        else:
            text = _("Health is %(grade)s (%(score)s).") % values
        sentences.append(Sentence(text, f"{page}#health", _("Health score")))
    for issue in issues:
        day = _day(issue.occurred_at)
        sentences.append(
            Sentence(
                _end(
                    _("Open complaint of %(day)s: %(what)s")
                    % {"day": day, "what": issue.summary or issue.get_kind_display()}
                ),
                _interaction_url(customer, issue),
                _("Interaction of %(day)s") % {"day": day},
            )
        )
    if subscription is not None and 0 <= (subscription.renews_on - today()).days <= (
        RENEWAL_SOON_DAYS
    ):
        sentences.append(
            Sentence(
                _("The renewal is less than %(days)s days away.") % {"days": RENEWAL_SOON_DAYS},
                f"{page}#subscription",
                _("Subscription"),
            )
        )
    return sentences
