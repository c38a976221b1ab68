import io

from PIL import Image

from setia.customers.models import Category
from setia.library.models import Guide


def image_bytes(kind: str = "PNG", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, kind)
    return buffer.getvalue()


def make_guide(*, slug: str = "fashion", owner=None, **fields) -> Guide:
    fields.setdefault("talking_points", "Gratis ongkir\nTema siap pakai")
    return Guide.objects.create(category=Category.objects.get(slug=slug), owner=owner, **fields)
