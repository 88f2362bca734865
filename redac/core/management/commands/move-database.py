"""``redac move-database --to postgres://…``: copy the whole site from this database (SQLite) to
another (PostgreSQL), and check that nothing was left behind (issue 17).

``dumpdata``/``loaddata`` failed three ways on the demo content: an orphan log entry (a natural key
that names an object gone), the SQLite full-text rows (a table that PostgreSQL does not have), and
the permissions that ``migrate`` had already made. So the copy is exact instead of re-created:

1. ``migrate`` on the target builds the schema of the installed code (and its PostgreSQL-only
   parts: the search's generated ``tsvector`` columns);
2. every table of every model is emptied on the target, then filled with the source's rows, primary
   keys included, in one transaction (content types, permissions and log entries keep their ids:
   nothing is looked up by natural key); values go through each field's own conversion;
3. the full-text indexes, whose tables differ between the engines, are rebuilt on the target;
4. the sequences are moved past the highest ids, and every table's row count is compared.

Media and the secret key's file stay in ``REDAC_DATA_DIR`` (the database does not hold them);
``--data-dir`` copies them to a new data folder too. Stop the site first; then set
``DATABASE_URL`` to the target and start it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connections, transaction

TARGET = "move_target"
BATCH = 1000
#: Rebuilt on the target rather than copied: their tables differ between SQLite and PostgreSQL.
REBUILT = {"wagtailsearch"}


def copied_models():
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in REBUILT:
            continue
        yield model


class Command(BaseCommand):
    help = "Copie tout le site vers une autre base (SQLite vers PostgreSQL) et vérifie les nombres."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="postgres://user:password@host/dbname")
        parser.add_argument("--data-dir", help="also copy media and the secret key's file there")

    def handle(self, *args, to, data_dir=None, **options):
        target = dj_database_url.parse(to)
        if target["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("--to: a postgres:// URL")
        if connections["default"].vendor != "sqlite":
            raise CommandError("the site's database is not SQLite: nothing to move")
        target.setdefault("OPTIONS", {})
        target.update({"TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
                       "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TEST": {}})  # fmt: skip
        connections.databases[TARGET] = target
        self.stdout.write("1/4 schema on the target (migrate)")
        # In a process of its own whose default database is the target: some migrations (Wagtail's
        # initial data among them) write to the default database whatever they are given.
        env = dict(os.environ, DATABASE_URL=to)
        subprocess.run([sys.executable, "-m", "redac.cli", "migrate", "--noinput", "-v0"],
                       env=env, check=True)  # fmt: skip
        self.stdout.write("2/4 rows")
        counts = self.copy_rows()
        self.stdout.write("3/4 full-text indexes rebuilt on the target")
        self.rebuild_indexes(to)
        self.stdout.write("4/4 counts")
        differences = self.verify(counts)
        if differences:
            raise CommandError(f"row counts differ (source, target): {differences}")
        if data_dir:
            self.copy_files(Path(data_dir))
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(
            f"moved {total} rows in {len(counts)} tables; every count matches. Set "
            f"DATABASE_URL to the target and start the site."))  # fmt: skip

    def copy_rows(self) -> dict[str, int]:
        source, target = connections["default"], connections[TARGET]
        models = list(copied_models())
        counts: dict[str, int] = {}
        with transaction.atomic(using=TARGET):
            with target.cursor() as cursor:
                tables = ", ".join(target.ops.quote_name(m._meta.db_table) for m in models)
                # Django's foreign keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED: rows go
                # in in any order, and are checked once, at commit.
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
                for model in models:
                    counts[model._meta.db_table] = self.copy_table(model, source, target, cursor)
            with target.cursor() as cursor:
                for statement in target.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
        return counts

    @staticmethod
    def copy_table(model, source, target, cursor) -> int:
        fields = model._meta.local_concrete_fields
        columns = ", ".join(target.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        insert = f"INSERT INTO {target.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        rows = (
            model._base_manager.using("default")
            .order_by()
            .values_list(*[f.attname for f in fields])
        )
        copied, batch = 0, []
        for row in rows.iterator(chunk_size=BATCH):
            batch.append([f.get_db_prep_save(value, connection=target)
                          for f, value in zip(fields, row, strict=True)])  # fmt: skip
            if len(batch) >= BATCH:
                cursor.executemany(insert, batch)
                copied, batch = copied + len(batch), []
        if batch:
            cursor.executemany(insert, batch)
            copied += len(batch)
        return copied

    def rebuild_indexes(self, url: str) -> None:
        env = dict(os.environ, DATABASE_URL=url)
        redac = [sys.executable, "-m", "redac.cli"]
        for command in (["wagtail_update_index"], ["rebuild_search_index"]):
            subprocess.run([*redac, *command], env=env, check=True, stdout=subprocess.DEVNULL)

    def verify(self, counts: dict[str, int]) -> dict[str, tuple[int, int]]:
        differences = {}
        for model in copied_models():
            table = model._meta.db_table
            source = model._base_manager.using("default").count()
            target = model._base_manager.using(TARGET).count()
            if not source == target == counts.get(table, target):
                differences[table] = (source, target)
        return differences

    def copy_files(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            shutil.copytree(media, data_dir / "media", dirs_exist_ok=True)
        key = Path(settings.DATA_DIR) / "secret_key"
        if key.is_file():
            shutil.copy2(key, data_dir / "secret_key")
            os.chmod(data_dir / "secret_key", 0o600)
        self.stdout.write(f"media and secret key copied to {data_dir}")
