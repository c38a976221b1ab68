"""`python manage.py suggest_answers IN.csv OUT.csv`: the best three agreed answers for each
question of IN (a `question` column), written to OUT as `question,first,second,third` (answer
keys, empty where nothing fits)."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from setia.knowledge import search


class Command(BaseCommand):
    help = "Suggest agreed answers for the questions of a CSV file. Prints questions=N answered=A."

    def add_arguments(self, parser):
        parser.add_argument("input")
        parser.add_argument("output")

    def handle(self, *args, input, output, **options):
        source = Path(input)
        if not source.is_file():
            raise CommandError(f"No such file: {input}")
        with source.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if "question" not in (reader.fieldnames or []):
                raise CommandError(f"{input} has no 'question' column")
            questions = [row["question"] or "" for row in reader]
        answered = 0
        with Path(output).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["question", "first", "second", "third"])
            for question in questions:
                keys = [s.article.key for s in search.suggest(question)] if question.strip() else []
                answered += bool(keys)
                writer.writerow([question, *[*keys, "", "", ""][:3]])
        self.stdout.write(f"questions={len(questions)} answered={answered}")
