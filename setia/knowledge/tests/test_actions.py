import csv
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from setia.knowledge import actions
from setia.knowledge.models import Article, ArticleVersion
from setia.knowledge.tests.factories import make_article
from setia.work.schedule.models import Task

CSV_HEADER = "key,area,question_id,answer_id,question_en,answer_en\n"


# Versions


def test_every_change_is_a_version_with_a_diff(manager):
    article = make_article(actor=manager)
    actions.save_article(
        article=article,
        actor=manager,
        data={"answer_id": "Buka Pengaturan > Domain, klik Ganti Domain, tunggu 1 jam."},
    )

    versions = list(ArticleVersion.objects.filter(article=article))
    assert [version.number for version in versions] == [2, 1]
    [change] = actions.diff_versions(versions[1].snapshot, versions[0].snapshot)
    assert change["field"] == "answer (Indonesian)"
    assert "- Buka Pengaturan > Domain lalu klik Ganti Domain." in change["lines"]
    assert "+ Buka Pengaturan > Domain, klik Ganti Domain, tunggu 1 jam." in change["lines"]


def test_saving_without_a_change_makes_no_version_and_keeps_the_approval(manager):
    article = make_article(actor=manager)
    actions.save_article(article=article, actor=manager, data={"owner": manager})

    article.refresh_from_db()
    assert article.version == 1 and article.is_approved


# Review tasks


@time_machine.travel("2026-03-02 08:00 +07:00", tick=False)
def test_a_due_review_becomes_one_task_for_the_owner(manager, executive):
    due = make_article(actor=manager, owner=executive)
    later = make_article(actor=manager, key="later", owner=executive)
    # Approving counts as a review; these were approved months ago.
    Article.objects.filter(pk=due.pk).update(review_on=date(2026, 3, 2))
    Article.objects.filter(pk=later.pk).update(review_on=date(2026, 4, 1))

    assert actions.create_review_tasks() == 1
    assert actions.create_review_tasks() == 0  # the open task is not made twice

    task = Task.objects.get()
    assert task.owner == executive and task.status == "open"
    assert due.get_absolute_url() in task.notes
    due.refresh_from_db()
    assert due.review_task == task


@time_machine.travel("2026-03-02 08:00 +07:00", tick=False)
def test_marking_reviewed_completes_the_task_and_moves_the_date(manager, executive):
    article = make_article(actor=manager, owner=executive)
    Article.objects.filter(pk=article.pk).update(review_on=date(2026, 3, 1))
    actions.create_review_tasks()

    actions.mark_reviewed(article=article, actor=executive)

    article.refresh_from_db()
    assert Task.objects.get().status == "done"
    assert article.review_on == date(2026, 9, 2) and article.review_task is None


# Import


def test_import_creates_updates_and_rejects_rows_with_reasons(manager):
    make_article(actor=manager, key="cod")
    content = CSV_HEADER + (
        'change-domain,domain,"Ganti domain?|gmn ganti domain",Buka Pengaturan.,'
        "Change domain?,Open Settings.\n"
        "cod,shipping,Bisa COD?,Bisa.,COD?,Yes.\n"
        "bad key!,domain,Tanya?,Jawab.,,\n"
        "ok-area,nowhere,Tanya?,Jawab.,,\n"
        "no-answer,domain,Tanya?,,,\n"
    )

    result = actions.import_faq(content=content, actor=manager)

    assert result.summary() == "rows=5 created=1 updated=1 rejected=3"
    assert len(result.errors) == 3 and "Row 4" in result.errors[0]
    created = Article.objects.get(key="change-domain")
    assert created.variant_list == ["gmn ganti domain"] and created.state == "draft"
    assert Article.objects.get(key="cod").question_id == "Bisa COD?"


def test_import_without_the_columns_changes_nothing(manager):
    result = actions.import_faq(content="key,question\nx,y\n", actor=manager)

    assert result.created == 0 and "Missing columns" in result.errors[0]
    assert not Article.objects.exists()


def test_import_is_one_transaction(manager, monkeypatch):
    content = CSV_HEADER + "a,domain,Q?,A.,,\nb,domain,Q2?,A2.,,\n"
    calls = []
    original = actions.save_article

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(**kwargs)

    monkeypatch.setattr(actions, "save_article", failing)
    with pytest.raises(RuntimeError):
        actions.import_faq(content=content, actor=manager)
    assert not Article.objects.exists()


def test_import_faq_command_prints_the_counts(manager, tmp_path):
    path = tmp_path / "faq.csv"
    path.write_text(CSV_HEADER + "a,domain,Q?,A.,,\nb,,Q?,A.,,\n", encoding="utf-8")
    out, err = StringIO(), StringIO()

    call_command("import_faq", str(path), stdout=out, stderr=err)

    assert out.getvalue().strip() == "rows=2 created=1 updated=0 rejected=1"
    assert "Row 3" in err.getvalue()


def test_suggest_answers_command_writes_three_keys_or_nothing(demo_answers, tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(
        "question\ngmn cara ganti domain toko kak?\nresep nasi goreng enak gmn\n", encoding="utf-8"
    )
    out = StringIO()

    call_command("suggest_answers", str(source), str(target), stdout=out)

    assert out.getvalue().strip() == "questions=2 answered=1"
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert rows[0]["first"] == "change-domain" and rows[0]["third"]
    assert rows[1]["first"] == rows[1]["second"] == rows[1]["third"] == ""


def test_the_demo_answers_cover_every_area_in_both_languages(demo_answers):
    articles = Article.objects.approved()
    assert articles.count() >= 60
    assert not articles.filter(answer_en="").exists()
    assert {article.area for article in articles} >= {
        "domain", "shipping", "payment", "products", "design", "promotion", "billing",
    }  # fmt: skip


def test_the_review_dates_are_months_ahead_after_approval(manager):
    with time_machine.travel("2026-01-31 09:00 +07:00", tick=False):
        article = make_article(actor=manager)
    assert article.review_on == date(2026, 7, 31)
    assert article.review_on - date(2026, 1, 31) > timedelta(days=170)
