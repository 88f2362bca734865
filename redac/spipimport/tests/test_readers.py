"""Readers return the same plain data whatever the SPIP version and format (no database needed)."""

from __future__ import annotations

import sqlite3

import pytest

from redac.spipimport.clean import strip_control
from redac.spipimport.readers import UnusableSource, open_source


def summary(reader):
    articles = {a.id: a for a in reader.articles()}
    return {
        "rubriques": sorted((r.id, r.parent_id, r.title) for r in reader.rubriques()),
        # XML cannot carry control characters: compare titles as the importer keeps them
        "articles": {i: (strip_control(a.title), a.status, a.rubrique_id, a.author_ids, sorted(a.keyword_ids))
                     for i, a in articles.items()},
        "breves": sorted((b.id, b.title, b.lien_url, sorted(b.keyword_ids)) for b in reader.breves()),
        "auteurs": sorted((a.id, a.name, a.login, a.status, a.rubrique_ids) for a in reader.auteurs()),
        "mots": sorted((k.id, k.group_id, k.title) for k in reader.keywords()),
        "forums": sorted((f.id, f.objet, f.object_id, f.parent_id) for f in reader.forums()),
        "visits": sorted((v.objet, v.object_id, v.date, v.visits) for v in reader.visit_days()),
    }  # fmt: skip


def test_spip4_database_is_read_with_its_generic_link_tables(spip4_site):
    reader = open_source(str(spip4_site[0]))
    assert reader.site.spip_generation == 3 and reader.site.prefix == "spip"
    assert reader.site.name == "La Gazette de démonstration"
    articles = {a.id: a for a in reader.articles()}
    assert articles[2].keyword_ids and articles[3].author_ids == [4, 3]  # SPIP lists {par nom}
    assert articles[24].redirect_target == "https://example.org/ailleurs"
    logos = [d for d in reader.documents() if d.mode == "logoon"]
    assert sorted(d.links[0] for d in logos) == [("article", 2), ("rubrique", 1)]


def test_spip2_database_gives_the_same_content_as_spip4(spip2_site, spip4_site):
    old, new = open_source(str(spip2_site[0])), open_source(str(spip4_site[0]))
    assert old.site.spip_generation == 1 and old.site.schema_version == 15375
    assert summary(old) == summary(new)
    assert {a.id: a for a in old.articles()}[24].redirect_target == "https://example.org/ailleurs"


def test_spip2_xml_backup_gives_the_same_content_as_the_database(spip2_xml_dump, spip2_site):
    from_xml, from_db = open_source(str(spip2_xml_dump[0])), open_source(str(spip2_site[0]))
    assert from_xml.site.source_format == "xml"
    assert summary(from_xml) == summary(from_db)


def test_forum_ip_addresses_are_read_for_the_importer_to_judge(spip4_site):
    # The importer keeps an IP only while the law requires it (one year): see test_comments_import
    message = next(open_source(str(spip4_site[0])).forums())
    assert message.ip == "192.0.2.7"


def test_a_table_prefix_other_than_spip_is_detected(tmp_path, spip4_site):
    copy = tmp_path / "prefixed.sqlite"
    db = sqlite3.connect(copy)
    db.execute("ATTACH DATABASE ? AS src", (str(spip4_site[0]),))
    for (name,) in db.execute("SELECT name FROM src.sqlite_master WHERE type='table'").fetchall():
        db.execute(
            f"CREATE TABLE {name.replace('spip_', 'monsite_', 1)} AS SELECT * FROM src.{name}"
        )
    db.commit()
    db.close()
    reader = open_source(str(copy))
    assert reader.site.prefix == "monsite"
    assert len(list(reader.articles())) == 26


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not a database", "ni une base SQLite"),
        (b"", "ni une base SQLite"),
    ],
)
def test_files_that_are_not_spip_sources_are_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "x.bin"
    path.write_bytes(content)
    with pytest.raises(UnusableSource, match=message) as excinfo:
        open_source(str(path))
    assert "\n" not in str(excinfo.value)


def test_a_sqlite_database_that_is_not_spip_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE wp_posts (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(UnusableSource, match="pas une base SPIP"):
        open_source(str(path))


def test_an_unknown_spip_version_is_refused(tmp_path, spip4_site):
    path = tmp_path / "future.sqlite"
    path.write_bytes(spip4_site[0].read_bytes())
    db = sqlite3.connect(path)
    db.execute("UPDATE spip_meta SET valeur='pas-une-version' WHERE nom='version_installee'")
    db.commit()
    db.close()
    with pytest.raises(UnusableSource, match="version de SPIP inconnue"):
        open_source(str(path))


def test_a_truncated_xml_backup_is_refused(tmp_path):
    path = tmp_path / "dump.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<SPIP version_base="1.927"><spip_articles><id_arti')
    with pytest.raises(UnusableSource, match="sauvegarde XML illisible"):
        open_source(str(path))
