from django.db import transaction
from django.db.models import Count, Q

from setia.customers.models import Customer
from setia.segments.models import Segment


def create_segment(*, actor, data: dict) -> Segment:
    return Segment.objects.create(owner=actor, **data)


@transaction.atomic
def update_segment(*, segment: Segment, actor, data: dict) -> Segment:
    for name, value in data.items():
        setattr(segment, name, value)
    segment.save(update_fields=[*data, "updated_at"])
    return segment


def delete_segment(*, segment: Segment, actor) -> None:
    segment.delete()


def count_members(segments, *, user) -> dict[int, int]:
    """Each segment's live member count among the customers `user` may see, in ONE query.

    Every segment becomes a filtered COUNT over the same scan of the visible customers, so a
    page of twenty segments costs one query, not twenty.
    """
    segments = list(segments)
    if not segments:
        return {}
    visible = Customer.objects.visible_to(user).alive()
    counts = visible.aggregate(
        **{
            f"segment_{segment.pk}": Count(
                "pk",
                filter=Q(pk__in=Customer.objects.in_segment(segment.query).order_by().values("pk")),
            )
            for segment in segments
        }
    )
    return {segment.pk: counts[f"segment_{segment.pk}"] for segment in segments}
