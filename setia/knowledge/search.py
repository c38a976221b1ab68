"""Finding the agreed answers that fit a customer's message.

Indexing: an answer's questions (both languages, every variant, its tags) and its answers go
through `text.analyse` into `index_questions` / `index_answers`. The database's full-text index
reads those columns: a stored `tsvector` with a GIN index on PostgreSQL, an FTS5 table kept by
triggers on SQLite (both created by `migrations/0002_search_indexes.py`). `Term` holds the
vocabulary with document frequencies over the approved answers.

Searching: the message is analysed the same way; a word the vocabulary lacks is corrected to
the nearest term (trigram candidates on PostgreSQL, same first letter on SQLite, the same edit
distance decides on both); the database returns the best 100 approved answers containing any of
the rarest terms; those are ranked here by BM25 over both fields (questions weigh more), so the
order is the same on both databases. Below `MIN_STRENGTH` or `MIN_COVERAGE` nothing is suggested.
"""

import math
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Max

from setia.knowledge import text
from setia.knowledge.models import Article, State, Synonym, Term

# Special rows of Term: how many approved answers there are, and their weighted length in terms.
DOCUMENTS = ""
LENGTH = "#length"
QUESTION_WEIGHT = 3  # a term in the questions counts as much as three in the answer
K1, B = 1.2, 0.6
CANDIDATES = 20
DRAFT_ALLOWANCE = 20  # SQLite: ranked before drafts are left out, so fetch a few more
MATCH_TERMS = 6  # the rarest terms of a message that find the candidates…
POSTINGS = 800  # …as long as they occur in at most this many answers together
MAX_TERMS = 40  # a long message: its first 40 distinct terms
# A suggestion must cover this share of the message's terms (by weight), score this much and
# share a term with the answer's questions (not only its answer text): a message about
# something no answer covers then gets none instead of a guess.
MIN_COVERAGE = 0.35
MIN_STRENGTH = 0.2
UNKNOWN_WEIGHT = 0.5  # of the weight of a term no answer has
MAX_CORRECTIONS = 3  # misspelt words of a message looked up, at most
UNKNOWN_COUNTED = 3  # at most: a long message's context must not drown its question

SYNONYMS_FRESH_SECONDS = 10  # how long a process uses its copy of the list before checking
_synonym_cache: dict = {"key": None, "phrases": {}, "checked": 0.0}


def synonyms() -> dict[tuple[str, ...], str]:
    """The synonym phrases, rebuilt when the list changed. Checked (one small query) at most
    every SYNONYMS_FRESH_SECONDS: a search then costs no query for them; an edit reaches other
    processes within that time, and its own process at once (`forget_synonyms`)."""
    moment = time.monotonic()
    if moment - _synonym_cache["checked"] < SYNONYMS_FRESH_SECONDS:
        return _synonym_cache["phrases"]
    stamp = Synonym.objects.aggregate(count=Count("id"), last=Max("updated_at"))
    key = (stamp["count"], stamp["last"])
    if _synonym_cache["key"] != key:
        rows = [(s.term, s.variant_list) for s in Synonym.objects.all()]
        _synonym_cache.update(key=key, phrases=text.synonym_phrases(rows))
    _synonym_cache["checked"] = moment
    return _synonym_cache["phrases"]


def forget_synonyms() -> None:
    """Make the next search read the synonym list again (after this process changed it)."""
    _synonym_cache.update(key=None, checked=0.0)


def index_fields(article: Article, phrases=None) -> tuple[str, str]:
    """(questions, answers) index terms of an answer, space-separated."""
    phrases = synonyms() if phrases is None else phrases
    questions = " ".join(
        [article.question_id, article.question_en, article.variants, article.tags.replace(",", " ")]
    )
    answers = " ".join([article.answer_id, article.answer_en])
    return (
        " ".join(text.terms(questions, phrases)),
        " ".join(text.terms(answers, phrases)),
    )


def _weighted_length(questions: str, answers: str) -> int:
    return QUESTION_WEIGHT * len(questions.split()) + len(answers.split())


def _contribution(article: Article) -> tuple[set[str], int]:
    """What an answer adds to the vocabulary: its distinct terms and weighted length; nothing
    unless approved."""
    if article.state != State.APPROVED:
        return set(), 0
    words = set(article.index_questions.split()) | set(article.index_answers.split())
    return words, _weighted_length(article.index_questions, article.index_answers)


def adjust_terms(*, before: tuple[set[str], int], after: tuple[set[str], int]) -> None:
    """Move the vocabulary from one contribution of an answer to another (set-based)."""
    removed, added = before[0] - after[0], after[0] - before[0]
    count_change = (1 if after[0] or after[1] else 0) - (1 if before[0] or before[1] else 0)
    if added:
        Term.objects.bulk_create([Term(term=term) for term in added], ignore_conflicts=True)
        Term.objects.filter(term__in=added).update(documents=F("documents") + 1)
    if removed:
        Term.objects.filter(term__in=removed).update(documents=F("documents") - 1)
    for special, change in ((DOCUMENTS, count_change), (LENGTH, after[1] - before[1])):
        if change:
            Term.objects.get_or_create(term=special)
            Term.objects.filter(term=special).update(documents=F("documents") + change)


def reindex(article: Article, *, was: tuple[set[str], int] | None = None) -> None:
    """Recompute an answer's index terms and move the vocabulary with them; `was` is what the
    answer contributed before the change (its `_contribution` then)."""
    before = was if was is not None else _contribution(article)
    article.index_questions, article.index_answers = index_fields(article)
    Article.objects.filter(pk=article.pk).update(
        index_questions=article.index_questions, index_answers=article.index_answers
    )
    adjust_terms(before=before, after=_contribution(article))


def contribution(article: Article) -> tuple[set[str], int]:
    """What the stored answer contributes to the vocabulary now (read before changing it)."""
    return _contribution(article)


def rebuild_index() -> int:
    """Re-index every answer and rebuild the vocabulary (after the synonyms changed, or after
    an import). Returns the number of answers."""
    phrases = synonyms()
    documents: Counter[str] = Counter()
    count = length = 0
    changed = []
    for article in Article.objects.only(
        "id", "state", "question_id", "question_en", "variants", "tags", "answer_id", "answer_en"
    ).iterator(chunk_size=2000):
        article.index_questions, article.index_answers = index_fields(article, phrases)
        changed.append(article)
        if article.state == State.APPROVED:
            count += 1
            length += _weighted_length(article.index_questions, article.index_answers)
            documents.update(
                set(article.index_questions.split()) | set(article.index_answers.split())
            )
    Article.objects.bulk_update(changed, ["index_questions", "index_answers"], batch_size=1000)
    Term.objects.all().delete()
    documents[DOCUMENTS], documents[LENGTH] = count, length
    Term.objects.bulk_create(
        [Term(term=term, documents=n) for term, n in documents.items()], batch_size=2000
    )
    if connection.vendor == "postgresql":
        # A bulk write leaves its entries in the GIN indexes' pending lists until autovacuum
        # merges them: meanwhile every search scans the list (128 pages after 10,000 answers),
        # and the planner, pricing it in, reads the vocabulary sequentially instead of through
        # its trigram index (15 ms a misspelt word instead of 0.2).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT gin_clean_pending_list('knowledge_article_search'::regclass), "
                "gin_clean_pending_list('knowledge_term_trgm'::regclass)"
            )
    return len(changed)


@dataclass
class Reason:
    """Why an answer matched: a term, the customer's words it came from, and how."""

    term: str
    words: str
    kind: str  # "word", "synonym" or "spelling"


@dataclass
class Suggestion:
    article: Article
    score: float
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class Query:
    """A message analysed: its terms with weights (idf) and where each came from."""

    weights: dict[str, float]
    documents: dict[str, int]
    origins: dict[str, Reason]
    unknown: list[str]


def _corrections(unknown: list[str]) -> dict[str, tuple[str, int]]:
    """{word: (term, documents)} for words the vocabulary lacks, when a term is near enough."""
    words = [word for word in unknown if text.typo_limit(word) and not text.is_word(word)]
    if not words:
        return {}
    words = words[:MAX_CORRECTIONS]
    # First the terms with the same first two letters, as a range the unique index on `term`
    # answers; then, on PostgreSQL and only for words that found nothing near, the 20 terms
    # sharing most trigrams (a typo in the first two letters; a slower index scan).
    parts, params = [], []
    for word in words:
        limit = text.typo_limit(word)
        parts.append(
            "SELECT term, documents FROM knowledge_term WHERE documents > 0 AND "
            "term >= %s AND term < %s AND length(term) BETWEEN %s AND %s"
        )
        params += [word[:2], word[0] + chr(ord(word[1]) + 1), len(word) - limit, len(word) + limit]
    result = _nearest(words, _fetch_terms(parts, params))
    missed = [word for word in words if word not in result]
    if missed and connection.vendor == "postgresql":
        # `lower(term) %% word` as it stands, so that the trigram index answers it (0.2 ms at
        # 10,000 answers); hidden in an expression, it made PostgreSQL compute every term's
        # similarity (15-18 ms, the slowest part of a question with a misspelt word).
        parts = [
            "(SELECT term, documents FROM knowledge_term WHERE documents > 0 AND "
            "length(term) BETWEEN %s AND %s AND lower(term) %% %s "
            "ORDER BY similarity(lower(term), %s) DESC, term LIMIT 20)"
        ] * len(missed)
        params = [
            value
            for word in missed
            for value in (
                len(word) - text.typo_limit(word),
                len(word) + text.typo_limit(word),
                word,
                word,
            )
        ]
        result |= _nearest(missed, _fetch_terms(parts, params))
    return result


def _fetch_terms(parts: list[str], params: list) -> set[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(parts), params)
        return set(cursor.fetchall())


def _nearest(words: list[str], candidates: set[tuple[str, int]]) -> dict[str, tuple[str, int]]:
    """{word: (term, documents)}: the candidate fewest edits away (then the most common)."""
    result = {}
    for word in words:
        limit = text.typo_limit(word)
        best = None
        for term, documents in candidates:
            if not term or term.startswith("#"):
                continue
            distance = text.edit_distance(word, term, limit)
            if distance <= limit:
                rank = (distance, -documents, term)
                if best is None or rank < best[0]:
                    best = (rank, term, documents)
        if best is not None:
            result[word] = (best[1], best[2])
    return result


def analyse_query(message: str) -> tuple[Query, int, float]:
    """The message's weighted terms, the number of approved answers and their mean length."""
    phrases = synonyms()
    analysed = text.analyse(message, phrases)
    folded = set(phrases.values())
    origins: dict[str, Reason] = {}
    order: list[str] = []
    for term, origin in analysed:
        if term not in origins:
            kind = "synonym" if term in folded and origin != term else "word"
            origins[term] = Reason(term=term, words=origin, kind=kind)
            order.append(term)
    order = order[:MAX_TERMS]
    # Written as SQL: the ORM's compiling of this one lookup cost as much as running it.
    wanted = [*order, DOCUMENTS, LENGTH]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term, documents FROM knowledge_term WHERE term IN (%s)"
            % ", ".join(["%s"] * len(wanted)),
            wanted,
        )
        rows = dict(cursor.fetchall())
    total = rows.pop(DOCUMENTS, 0)
    length = rows.pop(LENGTH, 0)
    unknown = [term for term in order if not rows.get(term)]
    corrections = _corrections(unknown)
    for word, (term, documents) in corrections.items():
        if term not in rows or not rows[term]:
            rows[term] = documents
            origins[term] = Reason(term=term, words=origins[word].words, kind="spelling")
    weights = {
        term: math.log(1 + (total - documents + 0.5) / (documents + 0.5))
        for term, documents in rows.items()
        if documents > 0
    }
    query = Query(
        weights=weights,
        documents={term: documents for term, documents in rows.items() if documents > 0},
        origins=origins,
        unknown=[word for word in unknown if word not in corrections],
    )
    return query, total, (length / total if total else 1.0)


def _retrieval_terms(query: Query) -> list[str]:
    """The rarest terms of the message, as many as fit in POSTINGS (the answers they occur in,
    summed), at least one: the database then ranks a few thousand answers at most, whatever
    common words the message also has."""
    chosen: list[str] = []
    postings = 0
    for term in sorted(query.weights, key=lambda term: (query.documents[term], term)):
        if chosen and (len(chosen) == MATCH_TERMS or postings + query.documents[term] > POSTINGS):
            break
        chosen.append(term)
        postings += query.documents[term]
    return chosen


def _candidates(terms: list[str]) -> list[tuple[int, str, str]]:
    """(id, index_questions, index_answers) of the best CANDIDATES approved answers containing
    any of `terms`, by the database's own full-text rank (questions weigh more there too).

    The index columns come with the ids in the same statement: a second query for them cost
    a round trip per question."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = " | ".join(f"'{term}'" for term in terms)  # terms are [0-9a-z]+ only
            cursor.execute(
                "SELECT id, index_questions, index_answers "
                "FROM knowledge_article, to_tsquery('simple', %s) query "
                "WHERE state = 'approved' AND search_vector @@ query "
                "ORDER BY ts_rank(search_vector, query) DESC, id LIMIT %s",
                [query, CANDIDATES],
            )
        else:
            query = " OR ".join(f'"{term}"' for term in terms)
            # FTS5 ranks inside its own query (`rank` is bm25 with the columns' weights, set by
            # the migration); joined to the answers, it would rank after the join, slowly.
            cursor.execute(
                "SELECT a.id, a.index_questions, a.index_answers "
                "FROM (SELECT rowid AS id, rank FROM knowledge_article_fts "
                "WHERE knowledge_article_fts MATCH %s ORDER BY rank LIMIT %s) f "
                "JOIN knowledge_article a ON a.id = f.id WHERE a.state = 'approved' "
                "ORDER BY f.rank, a.id",
                [query, CANDIDATES + DRAFT_ALLOWANCE],
            )
        return cursor.fetchall()[:CANDIDATES]


def _score(query: Query, index_questions: str, index_answers: str, mean_length: float):
    """BM25 over both fields, a term in the questions counting QUESTION_WEIGHT times; returns
    (score, matched terms, whether one of them is in the questions)."""
    questions, answers = index_questions.split(), index_answers.split()
    length = QUESTION_WEIGHT * len(questions) + len(answers)
    norm = K1 * (1 - B + B * length / (mean_length or 1.0))
    score = 0.0
    matched = []
    asked = False
    for term, weight in query.weights.items():
        in_questions = questions.count(term)
        tf = QUESTION_WEIGHT * in_questions + answers.count(term)
        if tf:
            score += weight * tf * (K1 + 1) / (tf + norm)
            matched.append(term)
            asked = asked or in_questions > 0
    return score, matched, asked


def suggest(message: str, *, limit: int = 3) -> list[Suggestion]:
    """The `limit` best approved answers for a customer's message, best first, each with the
    reasons it matched; empty when nothing fits well enough."""
    query, total, mean_length = analyse_query(message)
    if not query.weights:
        return []
    rows = _candidates(_retrieval_terms(query))
    if not rows:
        return []
    # Words no answer contains count against coverage: a message about something else entirely
    # shares a word or two with some answer by chance.
    unknown_weight = UNKNOWN_WEIGHT * math.log(1 + (total + 0.5) / 0.5)
    known = sum(query.weights.values()) + unknown_weight * min(len(query.unknown), UNKNOWN_COUNTED)
    # What an answer containing every term of the message many times would score: strength is
    # measured against it, so the bar is the same for ten answers as for ten thousand.
    best_possible = sum(query.weights.values()) * (K1 + 1)
    scored = []
    for pk, index_questions, index_answers in rows:
        score, matched, asked = _score(query, index_questions, index_answers, mean_length)
        coverage = sum(query.weights[term] for term in matched) / known
        if asked and score >= MIN_STRENGTH * best_possible and coverage >= MIN_COVERAGE:
            scored.append((score, pk, matched))
    scored.sort(key=lambda item: (-item[0], item[1]))
    best = scored[:limit]
    articles = Article.objects.in_bulk([pk for _score, pk, _matched in best]) if best else {}
    return [
        Suggestion(
            article=articles[pk],
            score=round(score, 2),
            reasons=[
                query.origins[term] for term in sorted(matched, key=lambda t: -query.weights[t])
            ],
        )
        for score, pk, matched in best
    ]
