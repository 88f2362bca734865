"""A live SPIP database on MariaDB/MySQL (``mysql://``), loaded by the fixture builder."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from redac.news.models import ArticlePage
from redac.spipimport.tests.conftest import fresh_numbering
from tests.support.spip_sites import SiteSpec, build_mysql

DB_NAME = "spip_i4_test"


@pytest.fixture(scope="module")
def mariadb_source():
    pymysql = pytest.importorskip("pymysql")
    try:
        conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="",
                               connect_timeout=3, charset="utf8mb4")  # fmt: skip
    except pymysql.MySQLError as exc:
        from conftest import skip_or_fail

        skip_or_fail(f"MariaDB does not answer on 127.0.0.1:3306 ({exc})")
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        cur.execute(f"CREATE DATABASE {DB_NAME} CHARACTER SET utf8mb4")
        cur.execute(f"USE {DB_NAME}")
    build_mysql(conn, SiteSpec(awkward=False))
    yield f"mysql://root@127.0.0.1/{DB_NAME}"
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
    conn.close()


def test_a_live_mariadb_database_is_read_like_its_sqlite_copy(mariadb_source):
    from redac.spipimport.readers import open_source

    reader = open_source(mariadb_source)
    assert reader.site.source_format == "mysql" and reader.site.spip_generation == 3
    articles = {a.id: a for a in reader.articles()}
    assert len(articles) == 23 and articles[3].author_ids == [4, 3]
    assert articles[1].title == "Article numéro 1 : « un titre »"


@pytest.mark.django_db
def test_import_spip_reads_a_mysql_url(mariadb_source, tmp_path):
    fresh_numbering()
    out = tmp_path / "report.json"
    call_command("import-spip", mariadb_source, "--report", str(out), verbosity=0)
    report = json.loads(out.read_text())
    assert (report["rubriques"], report["articles"], report["breves"]) == (6, 23, 20)
    assert ArticlePage.objects.filter(import_ref__startswith="spip:").live().count() == 21


def test_a_wrong_password_is_one_line_and_exit_status_2(capsys):
    with pytest.raises(SystemExit) as excinfo:
        call_command("import-spip", "mysql://root:wrong@127.0.0.1:1/nothing", verbosity=0)
    assert excinfo.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("redac import-spip :") and "\n" not in err and "wrong" not in err
