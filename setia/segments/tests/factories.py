from setia.segments.models import Segment


def make_segment(owner, *, name="Fashion Bandung", query="category=fashion", is_shared=False):
    return Segment.objects.create(owner=owner, name=name, query=query, is_shared=is_shared)
