from django import template
from django.http import QueryDict
from django.utils.http import urlencode

from setia.lib.money import format_rupiah
from setia.lib.phones import format_phone, whatsapp_link

register = template.Library()


@register.filter
def rupiah(amount):
    """`{{ 1234567|rupiah }}` → `Rp 1.234.567`."""
    return format_rupiah(amount)


@register.filter
def phone(e164):
    """A stored E.164 number as Indonesians read it: `0812-3456-7890`."""
    return format_phone(e164)


@register.filter
def wa_link(e164):
    """The WhatsApp click-to-chat link for a stored number."""
    return whatsapp_link(e164) if e164 else ""


@register.simple_tag
def query_with(query: str, **params) -> str:
    """The current query string (without page) plus `params`, for sort and page links."""
    merged = QueryDict(query, mutable=True)
    for key, value in params.items():
        merged[key] = value
    return "?" + merged.urlencode() if merged else "?" + urlencode(params)


@register.simple_tag(takes_context=True)
def render_card(context, card):
    """Draw a `setia.core.cards.Card`: its template with its context on top of the page's, as
    `{% include %}` would."""
    with context.push(**card.context):
        return context.template.engine.get_template(card.template).render(context)
