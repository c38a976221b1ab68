from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# PostgreSQL: a stored tsvector of the index terms (the 'simple' configuration: the terms are
# already stemmed and folded in Python) with a GIN index, and trigrams of the vocabulary for
# spelling mistakes. SQLite: an FTS5 table over the same columns, kept by triggers.
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE knowledge_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('simple', index_questions), 'A') || "
    "to_tsvector('simple', index_answers)) STORED",
    "CREATE INDEX knowledge_article_search ON knowledge_article USING gin (search_vector)",
    # On an expression, so that the planner never answers `term IN (…)` with it (pg_trgm
    # indexes can serve equality, slowly); the spelling search asks for `lower(term) % …`.
    "CREATE INDEX knowledge_term_trgm ON knowledge_term USING gin (lower(term) gin_trgm_ops)",
]
POSTGRESQL_UNDO = [
    "DROP INDEX IF EXISTS knowledge_term_trgm",
    "DROP INDEX IF EXISTS knowledge_article_search",
    "ALTER TABLE knowledge_article DROP COLUMN IF EXISTS search_vector",
]
SQLITE = [
    "CREATE VIRTUAL TABLE knowledge_article_fts USING fts5("
    "index_questions, index_answers, content='knowledge_article', content_rowid='id')",
    # `rank` is bm25 with a term in the questions weighing three in the answer.
    "INSERT INTO knowledge_article_fts(knowledge_article_fts, rank) VALUES ('rank', 'bm25(3.0, 1.0)')",
    "CREATE TRIGGER knowledge_article_fts_insert AFTER INSERT ON knowledge_article BEGIN "
    "INSERT INTO knowledge_article_fts(rowid, index_questions, index_answers) "
    "VALUES (new.id, new.index_questions, new.index_answers); END",
    "CREATE TRIGGER knowledge_article_fts_delete AFTER DELETE ON knowledge_article BEGIN "
    "INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, index_questions, "
    "index_answers) VALUES ('delete', old.id, old.index_questions, old.index_answers); END",
    "CREATE TRIGGER knowledge_article_fts_update AFTER UPDATE OF index_questions, index_answers "
    "ON knowledge_article BEGIN "
    "INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, index_questions, "
    "index_answers) VALUES ('delete', old.id, old.index_questions, old.index_answers); "
    "INSERT INTO knowledge_article_fts(rowid, index_questions, index_answers) "
    "VALUES (new.id, new.index_questions, new.index_answers); END",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS knowledge_article_fts_update",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_insert",
    "DROP TABLE IF EXISTS knowledge_article_fts",
]

# Everyone reads and uses the answers; executives and managers write them; managers approve.
_READ = ["view_article", "view_articleversion", "view_synonym"]
_WRITE = [*_READ, "add_article", "change_article"]
GRANTS = {
    "manager": [*_WRITE, "approve_article", "add_synonym", "change_synonym", "delete_synonym"],
    "executive": _WRITE,
    "intern": _READ,
    "viewer": _READ,
}


def _run(schema_editor, postgresql, sqlite):
    vendor = schema_editor.connection.vendor
    for statement in postgresql if vendor == "postgresql" else sqlite if vendor == "sqlite" else []:
        schema_editor.execute(statement)


def create(apps, schema_editor):
    _run(schema_editor, POSTGRESQL, SQLITE)
    grant_permissions(apps, "knowledge", GRANTS)


def drop(apps, schema_editor):
    revoke_permissions(apps, "knowledge")
    _run(schema_editor, POSTGRESQL_UNDO, SQLITE_UNDO)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(create, drop)]
