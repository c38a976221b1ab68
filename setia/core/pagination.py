"""A paginator for the long lists: it counts rows only as far as the page asked for needs.

An exact COUNT over every row a list could show is most of the list's time at 100k customers
(every live customer is read to count them), and no one pages through 200 pages. So the list
counts up to COUNT_LIMIT rows, or to the end of the page asked for when that is further, and
says "more than …" beyond: the count it shows is what it counted, never an estimate.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# 200 pages of 50: counted in a few milliseconds (an index walk of ten thousand entries).
COUNT_LIMIT = 10_000
# From this many rows in, a page first reads its rows' ids (an index walk past the earlier
# rows, no row fetched), then those rows: an OFFSET over whole rows fetches every skipped one
# (page 1000 of the customers list: ~1 s against ~6 ms). A paginator given `rows_from` does so
# on every page.
IDS_FIRST_FROM = 1_000
# No list is longer; a larger LIMIT would overflow SQLite's integers.
MAX_ROWS = 2**31


class CountedUpToPaginator(Paginator):
    """Count at most `count_limit` rows (or up to the end of the page `get_page` is asked
    for, when further); `is_partial` says there are more than `count`. `count` and
    `num_pages` then cover the counted rows and one more, so the last counted page links on
    to the next, which counts further. A caller that has already counted the rows exactly
    passes `known_count`: no count query then.

    With `rows_from` (a queryset of the same model: the joins and prefetches a row shows),
    every page is read in two steps in one query: its ids from `object_list`, sorted and
    limited there, nothing joined; then those rows from `rows_from`, in `object_list`'s
    order. `object_list` then says only which rows and in which order (filters and sort),
    and the joins are made for the page's rows alone, not for every row the sort and a
    filter (a search's thousands of matches) go through."""

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        count_limit: int | None = None,
        known_count: int | None = None,
        rows_from: QuerySet | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.rows = object_list
        self.rows_from = rows_from
        self.count_limit = COUNT_LIMIT if count_limit is None else count_limit
        self.is_partial = False
        if known_count is not None:
            self.count_limit = max(self.count_limit, known_count)
            self.__dict__["count"] = known_count  # the cached_property's value

    def get_page(self, number):
        try:
            asked = int(number)
        except (TypeError, ValueError):
            asked = 1
        # Bounded, so that a page number past any list cannot overflow the database's LIMIT;
        # the paginator then answers with the last page.
        asked = min(asked, MAX_ROWS // self.per_page)
        self.count_limit = max(self.count_limit, asked * self.per_page)
        return super().get_page(number)

    def page(self, number):
        """The page `number`; its rows are picked by their ids first, in the same query, with
        `rows_from` or from IDS_FIRST_FROM rows in."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if self.rows_from is None and bottom < IDS_FIRST_FROM:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.rows.values("pk")[bottom:top]
        if self.rows_from is None:
            rows = self.rows.filter(pk__in=ids)
        else:
            # The ids are the selection (filters, record rules, sort, page): rows_from only
            # reads those rows, sorted again as the list is (fifty rows: no index needed).
            order = self.rows.query.order_by or self.rows.model._meta.ordering
            rows = self.rows_from.filter(pk__in=ids).order_by(*order)
        return self._get_page(rows, number, self)

    @cached_property
    def count(self) -> int:
        # Any N rows count the same as the first N: without the order (and the page's
        # annotations) the database stops after the limit on whichever index is cheapest.
        counted = self.rows.order_by().values("pk")[: self.count_limit + 1].count()
        self.is_partial = counted > self.count_limit
        return counted

    @property
    def counted(self) -> int:
        """How many rows the list has, or at least has when `is_partial`."""
        return min(self.count, self.count_limit)
