"""A paginator for the long lists: it counts rows only as far as the page asked for needs.

An exact COUNT over every row a list could show is most of the list's time at 100k customers
(every live customer is read to count them), and no one pages through 200 pages. So the list
counts up to COUNT_LIMIT rows, or to the end of the page asked for when that is further, and
says "more than …" beyond: the count it shows is what it counted, never an estimate.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# 200 pages of 50: counted in a few milliseconds (an index walk of ten thousand entries).
COUNT_LIMIT = 10_000


class CountedUpToPaginator(Paginator):
    """Count at most `count_limit` rows (or up to the end of the page `get_page` is asked
    for, when further); `is_partial` says there are more than `count`. `count` and
    `num_pages` then cover the counted rows and one more, so the last counted page links on
    to the next, which counts further."""

    def __init__(self, object_list, per_page, *, count_limit: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_limit = COUNT_LIMIT if count_limit is None else count_limit
        self.is_partial = False

    def get_page(self, number):
        try:
            asked = int(number)
        except (TypeError, ValueError):
            asked = 1
        self.count_limit = max(self.count_limit, asked * self.per_page)
        return super().get_page(number)

    @cached_property
    def count(self) -> int:
        counted = self.object_list[: self.count_limit + 1].count()
        self.is_partial = counted > self.count_limit
        return counted

    @property
    def counted(self) -> int:
        """How many rows the list has, or at least has when `is_partial`."""
        return min(self.count, self.count_limit)
