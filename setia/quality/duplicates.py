"""Finding customers that may be one business. Read-only: `actions.flag_duplicates` stores them.

A pair found any way is then scored (`score_pairs`): how alike the names are, plus what the two
records agree or disagree on — phone, e-mail, domain, city — so that two "Kayu Asri Store" in
Jakarta Selatan and Pontianak score low and are not flagged on their names alone.

Exact matches (the same E.164 phone or WhatsApp number, the same e-mail, a store domain that is
another customer's e-mail domain) are self-joins in SQL over every contact and store; for a few
customers (an import's) they are indexed look-ups of those customers' values. Similar names are compared with
rapidfuzz inside blocks of names that share their first significant word, so 100k customers
cost thousands of small comparisons, not 5·10⁹.
"""

import dataclasses
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connection
from rapidfuzz import fuzz, process

from setia.customers.models import Contact, Customer, Store

# Pair → (reason, score); lower id first.
Pair = tuple[int, int]

LOOKUP_BATCH = 500  # customers per round of look-ups (one pass over e-mail domains each)
VALUES_PER_QUERY = 500  # values per IN (...): below SQLite's historical limit of 999
FULL_SCAN_ABOVE = 2000  # more ids than this (a big import): one full self-join, then filter
MAX_BLOCK = 2000  # distinct names per rapidfuzz block before it is split by the second word
MAX_SAME_NAME = 10  # customers sharing one normalised name beyond which the name is common

# The score of a pair (0-100): the names' similarity weighs NAME_WEIGHT of it; each kind of
# evidence adds its first figure when both customers have a value of that kind and share one,
# and its second when both have values and share none; a value missing on either side says
# nothing. A shared number or e-mail is strong evidence; different ones are weak evidence
# against (a business has several people); a different city is strong evidence against.
NAME_WEIGHT = 0.7
EVIDENCE = {"phone": (30, -5), "email": (30, -5), "domain": (25, -5), "city": (10, -25)}
# A pair found only by its name is flagged from this score on: "Kayu Asri Store" in Jakarta
# Selatan and in Pontianak, with their own numbers and shops, are two businesses.
FLAG_AT = 50

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


def _self_join(left: str, right: str) -> set[Pair]:
    """Pairs of different customers with an equal `value` in the two row sources."""
    if left == right:
        # One source joined with itself: read it once, and join only the values that more
        # than one customer has (the sources are distinct (customer, value) rows), which are
        # few: about half the time of joining every row with every other.
        sql = f"""
            WITH v AS MATERIALIZED ({left}),
                 shared AS (SELECT value FROM v GROUP BY value HAVING COUNT(*) > 1)
            SELECT DISTINCT l.customer_id, r.customer_id
              FROM v l
              JOIN v r ON r.value = l.value AND r.customer_id <> l.customer_id
             WHERE l.value IN (SELECT value FROM shared)
        """
    else:
        sql = f"""
            SELECT DISTINCT l.customer_id, r.customer_id
              FROM ({left}) l
              JOIN ({right}) r ON r.value = l.value AND r.customer_id <> l.customer_id
        """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {(min(first, second), max(first, second)) for first, second in cursor.fetchall()}


def _chunks(values: list) -> Iterator[list]:
    for start in range(0, len(values), VALUES_PER_QUERY):
        yield values[start : start + VALUES_PER_QUERY]


def _email_domain(email: str) -> str | None:
    domain = email.strip().lower().rpartition("@")[2]
    return domain if "@" in email and domain and domain not in WEBMAIL_DOMAINS else None


def _matches_for(customer_ids: list[int]) -> dict[str, set[Pair]]:
    """exact_matches for a few customers (an import): indexed look-ups of their own numbers,
    e-mails and domains, batch by batch, instead of a self-join over every contact.

    E-mails are matched as stored (forms and imports store them lower-case); the full scan
    also catches mixed-case ones.
    """
    contacts = Contact.objects.filter(customer__deleted_at__isnull=True)
    stores = Store.objects.filter(customer__deleted_at__isnull=True)
    found: dict[str, set[Pair]] = {"phone": set(), "email": set(), "domain": set()}
    _stores, email_domain_rows = _domains_sql()

    def pair(reason, first, second):
        if first != second:
            found[reason].add((min(first, second), max(first, second)))

    for start in range(0, len(customer_ids), LOOKUP_BATCH):
        batch = customer_ids[start : start + LOOKUP_BATCH]
        numbers, emails, email_domains = defaultdict(set), defaultdict(set), defaultdict(set)
        for owner, phone, whatsapp, email in contacts.filter(customer_id__in=batch).values_list(
            "customer_id", "phone", "whatsapp", "email"
        ):
            for number in (phone, whatsapp):
                if number:
                    numbers[number].add(owner)
            if email.strip():
                emails[email.strip().lower()].add(owner)
            if domain := _email_domain(email):
                email_domains[domain].add(owner)
        own_domains = defaultdict(set)
        for owner, domain in stores.filter(customer_id__in=batch).values_list(
            "customer_id", "domain"
        ):
            own_domains[domain].add(owner)
        for field in ("phone", "whatsapp"):
            for values in _chunks(list(numbers)):
                rows = contacts.filter(**{f"{field}__in": values}).values_list("customer_id", field)
                for other, value in rows:
                    for owner in numbers[value]:
                        pair("phone", owner, other)
        for values in _chunks(list(emails)):
            for other, value in contacts.filter(email__in=values).values_list(
                "customer_id", "email"
            ):
                for owner in emails.get(value.strip().lower(), ()):
                    pair("email", owner, other)
        for values in _chunks(list(email_domains)):
            for other, domain in stores.filter(domain__in=values).values_list(
                "customer_id", "domain"
            ):
                for owner in email_domains[domain]:
                    pair("domain", owner, other)
        for values in _chunks(list(own_domains)):
            # One pass computing every contact's e-mail domain: cheaper than a LIKE per domain.
            marks = ", ".join(["%s"] * len(values))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT customer_id, value FROM ({email_domain_rows}) e "
                    f"WHERE value IN ({marks})",
                    values,
                )
                for other, domain in cursor.fetchall():
                    for owner in own_domains[domain]:
                        pair("domain", owner, other)
    return found


def exact_matches(customer_ids: list[int] | None = None) -> dict[str, set[Pair]]:
    """Pairs of live customers sharing a number, an e-mail, or a store domain that is the
    other's e-mail domain; with `customer_ids`, only pairs involving one of them."""
    if customer_ids is not None and len(customer_ids) <= FULL_SCAN_ABOVE:
        return _matches_for(list(customer_ids))
    stores, email_domains = _domains_sql()
    found = {
        "phone": _self_join(_numbers_sql(), _numbers_sql()),
        "email": _self_join(_emails_sql(), _emails_sql()),
        "domain": _self_join(stores, email_domains),
    }
    if customer_ids is not None:
        # A big import: one pass over everything beats thousands of look-ups; filter after.
        wanted = set(customer_ids)
        found = {
            reason: {pair for pair in pairs if pair[0] in wanted or pair[1] in wanted}
            for reason, pairs in found.items()
        }
    return found


_WORD = re.compile(r"[a-z0-9]+")  # compiled once: called for every customer of a scan


def normalise_name(name: str) -> str:
    """Lower-case ASCII words without punctuation or noise words: "Batik Lestari Official" and
    "BATIK LESTARI (Official Store)" are both "batik lestari"."""
    if name.isascii():
        text = name.lower()  # most names: NFKD would change nothing
    else:
        text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = _WORD.findall(text.replace("'", ""))
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
        if len(block) == 1 and len(groups[block[0]]) == 1:
            continue  # one customer alone in its block: nothing to compare
        queries = block if wanted_names is None else [n for n in block if n in wanted_names]
        for query in queries:
            # extract() compares in C++ and returns only what reaches the cutoff.
            matches = process.extract(
                query, block, scorer=fuzz.token_sort_ratio, score_cutoff=threshold, limit=None
            )
            for other, score, _index in matches:
                add(groups[query], groups[other], round(score))
    return found


@dataclasses.dataclass
class Profile:
    """What a customer's record says about which business it is, for scoring a pair."""

    name: str
    city: str
    phones: set[str] = dataclasses.field(default_factory=set)
    emails: set[str] = dataclasses.field(default_factory=set)
    domains: set[str] = dataclasses.field(default_factory=set)


def profiles(customer_ids: Iterable[int]) -> dict[int, Profile]:
    """{id: Profile} of these customers: three queries per batch of LOOKUP_BATCH customers.
    Domains are the stores' and the contacts' non-webmail e-mail domains."""
    ids = sorted(set(customer_ids))
    found: dict[int, Profile] = {}
    for start in range(0, len(ids), LOOKUP_BATCH):
        batch = ids[start : start + LOOKUP_BATCH]
        for pk, name, city in Customer.objects.filter(pk__in=batch).values_list(
            "pk", "name", "city"
        ):
            found[pk] = Profile(name=name, city=" ".join(city.lower().split()))
        for owner, phone, whatsapp, email in Contact.objects.filter(
            customer_id__in=batch
        ).values_list("customer_id", "phone", "whatsapp", "email"):
            profile = found[owner]
            profile.phones.update(number for number in (phone, whatsapp) if number)
            if email.strip():
                profile.emails.add(email.strip().lower())
            if domain := _email_domain(email):
                profile.domains.add(domain)
        for owner, domain in Store.objects.filter(customer_id__in=batch).values_list(
            "customer_id", "domain"
        ):
            found[owner].domains.add(domain.lower())
    return found


def name_similarity(first: str, second: str) -> int:
    """How alike two names are, 0-100: mostly their normalised forms ("Kayu Asri Store" and
    "Kayu Asri Official" are both "kayu asri"), a quarter the names as written, so that the
    same brand with another suffix is close to, not equal to, the same name."""
    normalised = fuzz.token_sort_ratio(normalise_name(first), normalise_name(second))
    written = fuzz.token_sort_ratio(first.lower(), second.lower())
    return round(0.75 * normalised + 0.25 * written)


def evidence(first: Profile, second: Profile) -> dict[str, bool | None]:
    """For each kind of EVIDENCE: True when the two share a value, False when both have values
    and share none, None when either has none."""
    values = {
        "phone": (first.phones, second.phones),
        "email": (first.emails, second.emails),
        "domain": (first.domains, second.domains),
        "city": ({first.city} - {""}, {second.city} - {""}),
    }
    return {
        kind: (bool(mine & theirs) if mine and theirs else None)
        for kind, (mine, theirs) in values.items()
    }


def score(first: Profile, second: Profile) -> int:
    """The pair's score, 0-100 (see EVIDENCE)."""
    total = NAME_WEIGHT * name_similarity(first.name, second.name)
    for kind, agrees in evidence(first, second).items():
        if agrees is not None:
            total += EVIDENCE[kind][0 if agrees else 1]
    return max(0, min(100, round(total)))


def score_pairs(pairs: Iterable[Pair]) -> dict[Pair, int]:
    """{pair: score} for these pairs of customers, reading each customer's record once."""
    pairs = list(pairs)
    known = profiles(customer for pair in pairs for customer in pair)
    return {pair: score(known[pair[0]], known[pair[1]]) for pair in pairs}
