"""``redac move-database`` (issue 17): the demo site on SQLite, moved to PostgreSQL, whole.

What ``dumpdata``/``loaddata`` broke on: an orphan log entry, the SQLite full-text rows, the
permissions ``migrate`` had made. Here the demo (which has all three) is moved, then the target is
read as the site would read it once ``DATABASE_URL`` points at it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs redac in subprocesses (left out of make test-fast)

BIN = Path(sys.executable).parent
PG = "postgres://postgres@127.0.0.1:5432/"
#: One per test process: the SQLite and PostgreSQL passes (and their xdist workers) may run at once.
DB = f"redac_operator_move_{os.getpid()}"

COUNTS = (
    "import json; from django.apps import apps; from wagtail.models import ModelLogEntry; "
    "from django.contrib.contenttypes.models import ContentType; "
    "print(json.dumps({m._meta.label: m._base_manager.count() for m in apps.get_models() "
    "if m._meta.managed and not m._meta.proxy and m._meta.app_label != 'wagtailsearch'} | "
    "{'orphans': sum(1 for e in ModelLogEntry.objects.all() if e.content_type_id and "
    "not e.content_type.model_class()._base_manager.filter(pk=e.object_id).exists())}))"
)


def redac(env, *args):
    return subprocess.run([BIN / "redac", *args], env=env, capture_output=True, text=True,
                          timeout=1200, check=True)  # fmt: skip


def test_the_demo_moves_from_sqlite_to_postgresql_whole(tmp_path):
    try:
        import psycopg

        with psycopg.connect(PG + "postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB}"')
    except Exception as exc:
        from conftest import skip_or_fail

        skip_or_fail(f"PostgreSQL does not answer at {PG}: {exc}")
    sqlite = dict(os.environ, DJANGO_SETTINGS_MODULE="redac.settings",
                  REDAC_DATA_DIR=str(tmp_path / "data"))  # fmt: skip
    sqlite.pop("DATABASE_URL", None)
    sqlite.pop("REDAC_SECRET_KEY", None)
    redac(sqlite, "demo")
    # An orphan log entry, as the demo of issue 17 had: the log of a page deleted since.
    redac(sqlite, "shell", "-c",
          "from wagtail.models import ModelLogEntry, Page; from django.contrib.contenttypes.models "
          "import ContentType; ModelLogEntry.objects.create(content_type="
          "ContentType.objects.get_for_model(Page), object_id='999999', label='supprimée', "
          "action='wagtail.delete', timestamp=__import__('django.utils.timezone').utils.timezone.now())")  # fmt: skip
    before = json.loads(redac(sqlite, "shell", "-c", COUNTS).stdout.splitlines()[-1])
    assert before["orphans"] >= 1

    out = redac(sqlite, "move-database", "--to", PG + DB, "--data-dir", str(tmp_path / "new"))
    assert "every count matches" in out.stdout

    postgres = dict(sqlite, DATABASE_URL=PG + DB, REDAC_DATA_DIR=str(tmp_path / "new"))
    after = json.loads(redac(postgres, "shell", "-c", COUNTS).stdout.splitlines()[-1])
    assert after == before
    assert (tmp_path / "new" / "secret_key").read_text() == (
        tmp_path / "data" / "secret_key"
    ).read_text()
    media = sorted(
        p.relative_to(tmp_path / "data") for p in (tmp_path / "data" / "media").rglob("*")
    )
    assert media == sorted(
        p.relative_to(tmp_path / "new") for p in (tmp_path / "new" / "media").rglob("*")
    )
    # The site on PostgreSQL: migrations applied, search answers from the rebuilt index, new rows
    # get new ids (sequences moved past the copied ones).
    check = (
        "from django.core.management import call_command; "
        "call_command('migrate', check=True, verbosity=0); "
        "from wagtail.models import Page; "
        "print(Page.objects.count(), Page.objects.order_by('-pk').first().pk); "
        "from django.contrib.auth.models import Group; "
        "g = Group.objects.create(name='après le déménagement'); print(g.pk)"
    )
    lines = redac(postgres, "shell", "-c", check).stdout.split()
    assert int(lines[-1]) > 0
    searched = redac(postgres, "shell", "-c", "from wagtail.models import Page; "
                     "print(Page.objects.live().search('europe').count())").stdout  # fmt: skip
    assert int(searched.split()[-1]) >= 1


@pytest.mark.parametrize("url", ["sqlite:////tmp/x.sqlite3", "mysql://u@h/db"])
def test_the_target_must_be_postgresql(tmp_path, url):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="redac.settings",
               REDAC_DATA_DIR=str(tmp_path / "data"))  # fmt: skip
    env.pop("DATABASE_URL", None)
    result = subprocess.run([BIN / "redac", "move-database", "--to", url], env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode != 0
    assert "postgres://" in result.stderr
