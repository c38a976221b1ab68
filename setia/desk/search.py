"""Global search: one query over customers, contacts, stores, agreed answers, sales-library
guides, tasks and message templates, each kind read through its own app's record rules."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from setia.customers.models import Contact, Customer, Store
from setia.engagement.models import MessageTemplate
from setia.knowledge import search as knowledge_search
from setia.lib.phones import search_prefix
from setia.library.models import Guide
from setia.work.schedule.models import Task

# Each group shows this many results; "see all" leads to the kind's own list where one exists.
PER_GROUP = 5


@dataclass
class Result:
    label: str
    url: str
    detail: str = ""


@dataclass
class Group:
    kind: str
    title: str
    results: list[Result] = field(default_factory=list)
    more_url: str = ""


def search_everything(user, text: str, *, limit: int = PER_GROUP) -> list[Group]:
    """The groups of results for `text` (already checked by `validate_search`) that `user` may
    read, in a fixed order, empty groups left out. At most `limit` results a group, each
    group one query (answers: the knowledge search's own few), whatever the number of rows.

    Customers, contacts and stores come from the customers the user may read
    (`Customer.objects.visible_to`) that the customers search finds; tasks from
    `Task.objects.visible_to`; answers, guides and templates need their app's view
    permission. Answers are the approved ones the knowledge search suggests. Guides, tasks and
    templates are matched by name or title (icontains): the guides and templates are a few
    dozen rows, tasks are narrowed first by the user's scope."""
    text = " ".join(text.split())
    indonesian = (get_language() or "").startswith("id")
    groups: list[Group] = []
    if not text:
        return groups
    customers = Customer.objects.visible_to(user).alive()
    found = customers.search(text)
    detail = reverse("customers:customer-detail", args=["00000000-0000-0000-0000-000000000000"])
    head, tail = detail.split("00000000-0000-0000-0000-000000000000")

    def customer_url(code) -> str:
        return f"{head}{code}{tail}"

    list_url = f"{reverse('customers:customer-list')}?{urlencode({'q': text})}"
    rows = list(found.order_by("name", "id").values_list("code", "name", "city")[: limit + 1])
    groups.append(
        Group(
            "customers",
            _("Customers"),
            [Result(name, customer_url(code), city) for code, name, city in rows[:limit]],
            list_url if len(rows) > limit else "",
        )
    )

    contacts = Contact.objects.filter(customer__in=found)
    if prefix := search_prefix(text):
        contacts = contacts.filter(Q(phone__startswith=prefix) | Q(whatsapp__startswith=prefix))
    else:
        contacts = contacts.filter(Q(name__icontains=text) | Q(email=text.lower()))
    rows = list(
        contacts.order_by("name", "id").values_list("name", "customer__code", "customer__name")[
            : limit + 1
        ]
    )
    groups.append(
        Group(
            "contacts",
            _("Contacts"),
            [Result(name, customer_url(code), customer) for name, code, customer in rows[:limit]],
            list_url if len(rows) > limit else "",
        )
    )

    stores = Store.objects.filter(customer__in=found, domain__contains=text.lower())
    rows = list(
        stores.order_by("domain").values_list("domain", "customer__code", "customer__name")[
            : limit + 1
        ]
    )
    groups.append(
        Group(
            "stores",
            _("Stores"),
            [Result(domain, customer_url(code), name) for domain, code, name in rows[:limit]],
            list_url if len(rows) > limit else "",
        )
    )

    if user.has_perm("knowledge.view_article"):
        suggestions = knowledge_search.suggest(text, limit=limit)
        groups.append(
            Group(
                "answers",
                _("Answers"),
                [
                    Result(
                        s.article.question_in(get_language() or "id"),
                        s.article.get_absolute_url(),
                        s.article.key,
                    )
                    for s in suggestions
                ],
                f"{reverse('knowledge:article-list')}?{urlencode({'q': text})}",
            )
        )

    if user.has_perm("library.view_guide"):
        guides = Guide.objects.filter(
            Q(category__name__icontains=text) | Q(category__name_id__icontains=text)
        )
        rows = list(
            guides.order_by("category__position", "category__name").values_list(
                "category__slug", "category__name", "category__name_id"
            )[: limit + 1]
        )
        groups.append(
            Group(
                "guides",
                _("Sales library"),
                [
                    Result(
                        (name_id or name) if indonesian else name,
                        reverse("library:guide-detail", args=[slug]),
                    )
                    for slug, name, name_id in rows[:limit]
                ],
                reverse("library:guide-list") if len(rows) > limit else "",
            )
        )

    tasks = Task.objects.visible_to(user).filter(title__icontains=text)
    rows = list(
        tasks.order_by("status", "due_at", "id").values_list("code", "title", "customer__name")[
            : limit + 1
        ]
    )
    groups.append(
        Group(
            "tasks",
            _("Tasks"),
            [
                Result(title, reverse("work:task-detail", args=[code]), customer or "")
                for code, title, customer in rows[:limit]
            ],
        )
    )

    if user.has_perm("engagement.view_messagetemplate"):
        can_edit = user.has_perm("engagement.change_messagetemplate")
        templates = MessageTemplate.objects.filter(
            Q(name__icontains=text) | Q(name_id__icontains=text)
        )
        rows = list(
            templates.order_by("name", "language", "id").values_list(
                "code", "name", "name_id", "language"
            )[: limit + 1]
        )
        list_templates = reverse("engagement:template-list")
        groups.append(
            Group(
                "templates",
                _("Message templates"),
                [
                    Result(
                        (name_id or name) if indonesian else name,
                        reverse("engagement:template-edit", args=[code])
                        if can_edit
                        else list_templates,
                        language.upper(),
                    )
                    for code, name, name_id, language in rows[:limit]
                ],
                list_templates if len(rows) > limit else "",
            )
        )
    return [group for group in groups if group.results]
