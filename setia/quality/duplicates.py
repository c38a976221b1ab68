"""Finding customers that may be one business. Read-only: `actions.flag_duplicates` stores them.

Exact matches (the same E.164 phone or WhatsApp number, the same e-mail, a store domain that is
another customer's e-mail domain) are self-joins in SQL. Similar names are compared with
rapidfuzz inside blocks of names that share their first significant word, so 100k customers
cost thousands of small comparisons, not 5·10⁹.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connection
from rapidfuzz import fuzz, process

from setia.customers.models import Customer

# Pair → (reason, score); lower id first.
Pair = tuple[int, int]

ID_BATCH = 500  # customer ids per SQL statement: far below SQLite's variable limit
FULL_SCAN_ABOVE = 5000  # more ids than this (a big import): one full self-join, then filter
MAX_BLOCK = 2000  # distinct names per rapidfuzz block before it is split by the second word
MAX_SAME_NAME = 10  # customers sharing one normalised name beyond which the name is common

# Words that say nothing about which business it is: "Batik Lestari Official" is "Batik Lestari".
NOISE_WORDS = {
    "official", "officialstore", "store", "shop", "olshop", "online", "toko", "id", "indonesia",
    "pt", "cv", "ud", "tbk", "the", "co", "by", "and", "dan",
}  # fmt: skip

# Webmail hosts: two merchants using gmail.com are not one business.
WEBMAIL_DOMAINS = (
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.id", "ymail.com", "rocketmail.com",
    "hotmail.com", "outlook.com", "live.com", "icloud.com", "me.com", "aol.com", "proton.me",
    "protonmail.com", "mail.com", "gmx.com", "zoho.com", "yandex.com", "example.test",
)  # fmt: skip


def _numbers_sql() -> str:
    # Every number a customer can be reached on, phone or WhatsApp, as one column.
    return """
        SELECT c.customer_id AS customer_id, c.phone AS value
          FROM customers_contact c
          JOIN customers_customer k ON k.id = c.customer_id AND k.deleted_at IS NULL
         WHERE c.phone <> ''
        UNION
        SELECT c.customer_id, c.whatsapp
          FROM customers_contact c
          JOIN customers_customer k ON k.id = c.customer_id AND k.deleted_at IS NULL
         WHERE c.whatsapp <> ''
    """


def _emails_sql() -> str:
    return """
        SELECT DISTINCT c.customer_id AS customer_id, LOWER(TRIM(c.email)) AS value
          FROM customers_contact c
          JOIN customers_customer k ON k.id = c.customer_id AND k.deleted_at IS NULL
         WHERE c.email <> ''
    """


def _domains_sql() -> tuple[str, str]:
    """(store domains, e-mail domains) as (customer_id, value) row sources."""
    position = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
    webmail = ", ".join(f"'{domain}'" for domain in WEBMAIL_DOMAINS)
    stores = """
        SELECT DISTINCT s.customer_id AS customer_id, s.domain AS value
          FROM customers_store s
          JOIN customers_customer k ON k.id = s.customer_id AND k.deleted_at IS NULL
    """
    emails = f"""
        SELECT DISTINCT customer_id, value FROM (
            SELECT c.customer_id AS customer_id,
                   LOWER(SUBSTR(TRIM(c.email), {position}(TRIM(c.email), '@') + 1)) AS value
              FROM customers_contact c
              JOIN customers_customer k ON k.id = c.customer_id AND k.deleted_at IS NULL
             WHERE c.email LIKE '%%@%%'
        ) e WHERE value NOT IN ({webmail})
    """
    return stores, emails


def _self_join(left: str, right: str, customer_ids: list[int] | None) -> set[Pair]:
    """Pairs of different customers with an equal `value` in the two row sources."""
    sql = f"""
        SELECT DISTINCT l.customer_id, r.customer_id
          FROM ({left}) l
          JOIN ({right}) r ON r.value = l.value AND r.customer_id <> l.customer_id
    """
    pairs: set[Pair] = set()
    with connection.cursor() as cursor:
        if customer_ids is None or len(customer_ids) > FULL_SCAN_ABOVE:
            # One pass over everything beats hundreds of filtered passes; filter afterwards.
            cursor.execute(sql)
            rows = cursor.fetchall()
            if customer_ids is not None:
                wanted = set(customer_ids)
                rows = [row for row in rows if row[0] in wanted or row[1] in wanted]
        else:
            rows = []
            for start in range(0, len(customer_ids), ID_BATCH):
                batch = customer_ids[start : start + ID_BATCH]
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(
                    f"{sql} WHERE l.customer_id IN ({marks}) OR r.customer_id IN ({marks})",
                    [*batch, *batch],
                )
                rows.extend(cursor.fetchall())
    for first, second in rows:
        pairs.add((min(first, second), max(first, second)))
    return pairs


def exact_matches(customer_ids: list[int] | None = None) -> dict[str, set[Pair]]:
    """Pairs of live customers sharing a number, an e-mail, or a store domain that is the
    other's e-mail domain; with `customer_ids`, only pairs involving one of them."""
    stores, email_domains = _domains_sql()
    return {
        "phone": _self_join(_numbers_sql(), _numbers_sql(), customer_ids),
        "email": _self_join(_emails_sql(), _emails_sql(), customer_ids),
        "domain": _self_join(stores, email_domains, customer_ids),
    }


def normalise_name(name: str) -> str:
    """Lower-case ASCII words without punctuation or noise words: "Batik Lestari Official" and
    "BATIK LESTARI (Official Store)" are both "batik lestari"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text.replace("'", ""))
    significant = [word for word in words if word not in NOISE_WORDS]
    return " ".join(significant or words)


def _numbers(name: str) -> set[str]:
    return {word for word in name.split(" ") if word.isdigit()}


def _blocks(names: Iterable[str]) -> Iterator[list[str]]:
    """Groups of distinct normalised names with the same numbers and the same first word;
    oversized groups are split by the second word. Blocking keeps the comparison near-linear,
    and "Toko 88" is never compared with "Toko 89": numbered shops are different shops."""
    by_first: dict[tuple, list[str]] = defaultdict(list)
    for name in names:
        words = name.split(" ")
        by_first[(tuple(sorted(_numbers(name))), words[0])].append(name)
    for members in by_first.values():
        if len(members) <= MAX_BLOCK:
            yield members
            continue
        by_second: dict[str, list[str]] = defaultdict(list)
        for name in members:
            by_second[" ".join(name.split(" ")[:2])].append(name)
        yield from by_second.values()


def similar_names(
    customer_ids: Iterable[int] | None = None, *, threshold: int | None = None
) -> dict[Pair, int]:
    """Pairs of live customers whose normalised names score ≥ `threshold` (default the setting
    QUALITY_NAME_SIMILARITY) with rapidfuzz's token-sort ratio, with their score; with
    `customer_ids`, only pairs involving one of them.

    Each distinct normalised name is compared once. A name shared by more than
    MAX_SAME_NAME customers is a common name ("Toko Kue"), not evidence, and is left out.
    """
    threshold = settings.QUALITY_NAME_SIMILARITY if threshold is None else threshold
    groups: dict[str, list[int]] = defaultdict(list)
    for pk, name in Customer.objects.alive().values_list("pk", "name").iterator(chunk_size=5000):
        normalised = normalise_name(name)
        if normalised:
            groups[normalised].append(pk)
    groups = {name: ids for name, ids in groups.items() if len(ids) <= MAX_SAME_NAME}
    wanted = None if customer_ids is None else set(customer_ids)
    wanted_names = (
        None if wanted is None else {name for name, ids in groups.items() if wanted & set(ids)}
    )
    found: dict[Pair, int] = {}

    def add(first_ids, second_ids, score):
        for first in first_ids:
            for second in second_ids:
                if first == second or (
                    wanted is not None and first not in wanted and second not in wanted
                ):
                    continue
                pair = (min(first, second), max(first, second))
                found[pair] = max(found.get(pair, 0), score)

    for block in _blocks(groups):
        queries = block if wanted_names is None else [n for n in block if n in wanted_names]
        for query in queries:
            # extract() compares in C++ and returns only what reaches the cutoff.
            matches = process.extract(
                query, block, scorer=fuzz.token_sort_ratio, score_cutoff=threshold, limit=None
            )
            for other, score, _index in matches:
                add(groups[query], groups[other], round(score))
    return found
