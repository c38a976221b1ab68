import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from rich.progress import Progress

from setia.accounts.models import User
from setia.imports import actions, engine, values
from setia.imports.mapping import (
    check_mapping,
    ignored_columns,
    propose_mapping,
    unknown_columns,
)
from setia.imports.models import Import, ImportSource
from setia.lib.reading import FileError, open_table


class Command(BaseCommand):
    help = (
        "Import customers, contacts, stores and subscriptions from a CSV or XLSX file. Existing "
        "customers (same phone, e-mail, store domain or code) are updated, not duplicated; the "
        "whole file is one transaction. Prints `rows=N created=C updated=U unchanged=X "
        "duplicates=D rejected=R warnings=W` and, when rows were rejected or values left empty, "
        "the path of the error file. A value outside a managed list leaves its field empty "
        "(a warning) unless --map or --map-file says what to store. "
        "Exit status 0 when the import ran, 1 when the file is unusable or --strict refused it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
        parser.add_argument(
            "--strict", action="store_true", help="import nothing if any row is rejected"
        )
        parser.add_argument(
            "--source",
            default="",
            help="where the file comes from (e.g. 'onboarding sheet'); its remembered mapping is used",
        )
        parser.add_argument(
            "--owner",
            default="",
            metavar="EMAIL",
            help=(
                "the user the import is made for: the default account owner of new customers, "
                "recorded as the actor; an executive imports for their own team only"
            ),
        )

        parser.add_argument(
            "--map",
            action="append",
            default=[],
            dest="maps",
            metavar="COLUMN:VALUE=TARGET",
            help=(
                "what to store for a value outside a managed list (category, plan, status, "
                "province, kabupaten/kota): COLUMN is the file's header or the field, TARGET an "
                "existing value, or empty to leave the field empty; repeatable"
            ),
        )
        parser.add_argument(
            "--map-file",
            type=Path,
            metavar="PATH",
            help="a CSV of such choices, one per line: column,value,target (the --map wins)",
        )

    def handle(
        self, *args, path: Path, dry_run: bool, strict: bool, source: str, owner: str, **options
    ):
        value_map = self._value_map(options["maps"], options["map_file"])
        owner_user = None
        if owner:
            owner_user = User.objects.filter(email__iexact=owner.strip(), is_active=True).first()
            if owner_user is None:
                raise CommandError(f"No active user has the e-mail {owner}.")
            if not actions.can_import(owner_user):
                raise CommandError(
                    f"{owner} may not import customers (only admins, managers and executives may)."
                )
        language = owner_user.language if owner_user else None
        with translation.override(language or translation.get_language()):
            return self._import(
                path, dry_run, strict, source, owner_user, options["verbosity"], value_map
            )

    def _value_map(self, maps: list[str], map_file: Path | None) -> values.ValueMap:
        choices = {}
        if map_file is not None:
            map_file = Path(map_file)  # a string when called from code
            try:
                choices = values.read_map_file(map_file.read_text(encoding="utf-8-sig"))
            except OSError as error:
                raise CommandError(f"Cannot read {map_file}: {error.strerror}.") from None
            except (ValueError, UnicodeDecodeError) as error:
                raise CommandError(
                    f"{map_file}: line {error} is not column,value,target."
                ) from None
        for text in maps:
            try:
                key, target = values.parse_map(text)
            except ValueError:
                raise CommandError(f"--map {text}: write it as COLUMN:VALUE=TARGET.") from None
            choices[key] = target
        return values.ValueMap(choices)

    def _import(self, path, dry_run, strict, source_name, owner_user, verbosity, value_map):
        try:
            file = path.open("rb")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        # Read as a stream: the rows come from the file, a chunk at a time, on each pass.
        with file:
            try:
                table = open_table(file)
            except FileError as error:
                raise CommandError(f"{path}: {error.message}") from None
            self._import_table(
                path, table, dry_run, strict, source_name, owner_user, verbosity, value_map
            )

    def _import_table(
        self, path, table, dry_run, strict, source_name, owner_user, verbosity, value_map
    ):
        source = ImportSource.objects.filter(name=source_name).first() if source_name else None
        mapping = propose_mapping(table.header, source.mapping if source else None)
        problems = check_mapping(mapping)
        if problems:
            raise CommandError(f"{path}: " + " ".join(problems))
        if unknown := unknown_columns(mapping):
            self.stdout.write("kept as extra attributes: " + ", ".join(unknown))
        if ignored := ignored_columns(mapping):
            self.stdout.write("ignored columns: " + ", ".join(ignored))

        with Progress(disable=verbosity == 0, transient=True) as bar:
            task = bar.add_task("Import", total=len(table.rows))

            def progress(phase: str, done: int, total: int) -> None:
                bar.update(task, description=phase, completed=done, total=total)
                if verbosity >= 2:
                    # One line per batch, for logs (and the killed-process test).
                    self.stdout.write(f"{phase} {done}/{total}")
                    self.stdout.flush()

            if dry_run:
                plan = engine.plan_import(
                    table,
                    mapping,
                    actor=owner_user,
                    default_owner=owner_user,
                    value_map=value_map,
                    progress=progress,
                )
            else:
                batch = Import(
                    source=source,
                    actor=owner_user,
                    default_owner=owner_user,
                    file_name=path.name[:255],
                    mapping=mapping,
                    is_strict=strict,
                    status=Import.Status.RUNNING,
                )
                # The batch row is part of the import's transaction: a killed process leaves
                # no trace at all.
                with transaction.atomic():
                    if source_name and source is None:
                        source = actions.remember_mapping(source_name=source_name, mapping=mapping)
                        batch.source = source
                    batch.save()
                    plan = actions.run_import(
                        batch=batch,
                        table=table,
                        actor=owner_user,
                        value_map=value_map,
                        progress=progress,
                    )
                    if strict and plan.counts["rejected"]:
                        transaction.set_rollback(True)  # --strict leaves no trace either

        if dry_run:
            self.stdout.write("dry run: nothing was written")
        self.stdout.write(plan.summary())
        if plan.counts["rejected"] or plan.counts["warnings"]:
            self.stdout.write(self._write_errors(path, plan))
        if strict and plan.counts["rejected"]:
            raise CommandError(
                f"--strict: nothing was imported because {plan.counts['rejected']} rows were rejected."
            )

    def _write_errors(self, path: Path, plan) -> str:
        """The error file goes beside the imported file (or in the temporary folder)."""
        target = path.with_name(f"{path.stem}.errors.csv")
        try:
            with target.open("wb") as file:
                _copy_errors(plan, file)
        except OSError:
            handle, name = tempfile.mkstemp(prefix=f"{path.stem}.errors.", suffix=".csv")
            with open(handle, "wb") as file:
                _copy_errors(plan, file)
            target = Path(name)
        return str(target.resolve())


def _copy_errors(plan, file) -> None:
    """Copy the plan's error file (which may be big) into `file`, a block at a time."""
    plan.errors.seek(0)
    shutil.copyfileobj(plan.errors, file)
