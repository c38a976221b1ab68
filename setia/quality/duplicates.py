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
MAX_BLOCK = 2000  # names per rapidfuzz block before it is split by the second word

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
        if customer_ids is None:
            cursor.execute(sql)
            rows = cursor.fetchall()
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


def _blocks(names: dict[int, str]) -> Iterator[list[int]]:
    """Groups of customer ids whose names share the first word; oversized groups are split by
    the second word (blocking keeps the comparison near-linear)."""
    by_first: dict[str, list[int]] = defaultdict(list)
    for pk, name in names.items():
        if name:
            by_first[name.split(" ", 1)[0]].append(pk)
    for members in by_first.values():
        if len(members) <= MAX_BLOCK:
            yield members
            continue
        by_second: dict[str, list[int]] = defaultdict(list)
        for pk in members:
            words = names[pk].split(" ")
            by_second[" ".join(words[:2])].append(pk)
        yield from by_second.values()


def similar_names(
    customer_ids: Iterable[int] | None = None, *, threshold: int | None = None
) -> dict[Pair, int]:
    """Pairs of live customers whose normalised names score ≥ `threshold` (default the setting
    QUALITY_NAME_SIMILARITY) with rapidfuzz's token-sort ratio, with their score; with
    `customer_ids`, only pairs involving one of them."""
    threshold = settings.QUALITY_NAME_SIMILARITY if threshold is None else threshold
    names = {
        pk: normalise_name(name)
        for pk, name in Customer.objects.alive().values_list("pk", "name").iterator(chunk_size=5000)
    }
    wanted = None if customer_ids is None else set(customer_ids)
    found: dict[Pair, int] = {}
    for block in _blocks(names):
        queries = block if wanted is None else [pk for pk in block if pk in wanted]
        if not queries or len(block) < 2:
            continue
        choices = [names[pk] for pk in block]
        for first in queries:
            # extract() compares in C++ and returns only what reaches the cutoff.
            matches = process.extract(
                names[first],
                choices,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=threshold,
                limit=None,
            )
            for _choice, score, index in matches:
                second = block[index]
                if first == second or _numbers(names[first]) != _numbers(names[second]):
                    # "Toko 88" and "Toko 89" are two shops, however alike the rest.
                    continue
                pair = (min(first, second), max(first, second))
                found[pair] = max(found.get(pair, 0), round(score))
    return found
