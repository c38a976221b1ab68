from setia.engagement.models import MessageTemplate


def make_template(**fields) -> MessageTemplate:
    fields.setdefault("name", "Sapaan")
    fields.setdefault("channel", "whatsapp")
    fields.setdefault("language", "id")
    fields.setdefault("body", "Halo {contact}, salam dari tim Setia untuk {customer}.")
    return MessageTemplate.objects.create(**fields)
