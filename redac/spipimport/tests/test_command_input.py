"""What ``redac import-spip`` says about unusable input: one clear line, exit status 2."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from redac.spipimport import legacy
from redac.spipimport.clean import plain_title, safe_url
from redac.spipimport.mapping import safe_join


def fails_with(capsys, *args) -> str:
    with pytest.raises(SystemExit) as excinfo:
        call_command("import-spip", *[str(a) for a in args], verbosity=0)
    assert excinfo.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    return err


def test_a_missing_file(capsys, tmp_path):
    assert "fichier introuvable" in fails_with(capsys, tmp_path / "nope.sqlite")


def test_a_file_that_is_not_sqlite(capsys, tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not a database")
    assert "ni une base SQLite" in fails_with(capsys, path)


def test_a_sqlite_database_that_is_not_spip(capsys, tmp_path):
    path = tmp_path / "wordpress.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE wp_posts (id INTEGER)")
    db.commit()
    db.close()
    assert "pas une base SPIP" in fails_with(capsys, path)


def test_a_missing_img_folder(capsys, spip4_site, tmp_path):
    assert "dossier IMG introuvable" in fails_with(capsys, spip4_site[0], "--img", tmp_path / "x")


def test_bad_options_are_refused():
    with pytest.raises(CommandError, match="type inconnu"):
        call_command("import-spip", "x.sqlite", "--only", "articles,pages", verbosity=0)
    with pytest.raises(CommandError, match="date invalide"):
        call_command("import-spip", "x.sqlite", "--since", "hier", verbosity=0)


def test_document_paths_never_leave_the_img_folder(tmp_path):
    img = tmp_path / "IMG"
    (img / "png").mkdir(parents=True)
    (img / "png" / "ok.png").write_bytes(b"x")
    (tmp_path / "secret.txt").write_text("secret")
    (img / "lien.png").symlink_to(tmp_path / "secret.txt")
    assert safe_join(img, "png/ok.png") == (img / "png" / "ok.png").resolve()
    for evil in ("../secret.txt", "/etc/passwd", "png/../../secret.txt", "lien.png", "", "a\x00b"):
        assert safe_join(img, evil) is None, evil


@pytest.mark.security_case(57)
def test_titles_and_urls_are_cleaned():
    assert plain_title("3. <script>x()</script>Le <i>titre</i>\x07 {{gras}}") == "Le titre gras"
    assert plain_title("<multi>[fr]Bonjour[en]Hello</multi>", "en") == "Hello"
    assert plain_title("<multi>Défaut[en]Hello</multi>", "de") == "Défaut"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        " JaVaScRiPt:x",
        "vbscript:x",
        "http://",
    ):
        assert safe_url(bad) == "", bad
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"


@pytest.mark.parametrize(
    ("path", "query", "key"),
    [
        ("/spip.php", "article12", "spip.php?article12"),
        ("/", "article12", "spip.php?article12"),
        ("/spip.php", "page=article&id_article=12&lang=fr", "spip.php?article12"),
        ("/article12.html", "", "spip.php?article12"),
        ("/article.php3", "id_article=12", "spip.php?article12"),
        ("/breve.php3", "id_breve=4", "spip.php?breve4"),
        ("/spip.php", "rubrique3&debut_articles=10", "spip.php?rubrique3"),
        ("/spip.php", "mot7", "spip.php?mot7"),
    ],
)
def test_every_numbered_spip_address_has_one_key(path, query, key):
    assert legacy.keys_for_request(path, query) == [key]
    assert legacy.looks_legacy(path, query)


def test_propres_markers_tell_the_object_type():
    assert legacy.slug_keys("/-actualite-") == ["slug:rubrique:actualite"]
    assert legacy.slug_keys("/+breve-1+") == ["slug:breve:breve-1"]
    assert legacy.slug_keys("/+-japon-+") == ["slug:mot:japon"]
    assert legacy.slug_keys("/_marie-dupont_") == ["slug:auteur:marie-dupont"]
    assert legacy.slug_keys("/Mon-article.html")[0] == "slug:article:mon-article"
    assert legacy.slug_keys("/actualite/international/mon-article")[0] == "slug:article:mon-article"
    assert not legacy.looks_legacy("/actualite/", "")


# --- old addresses that name no object (issue 18) ----------------------------------------------
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_address_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@given(
    st.sampled_from(["/", "/spip.php", "/index.php", "/ecrire/", "/backend.php3", "/x.php3"])
    | _address_text.map(lambda t: "/" + t),
    st.one_of(
        _address_text,
        st.builds(
            lambda p, r: f"page={p}&recherche={r}",
            st.sampled_from(list(legacy.PAGE_TARGETS) + ["forum", "2", ""]),
            _address_text,
        ),  # fmt: skip
    ),
)
def test_an_old_address_never_leads_off_the_site(path, query):
    """Whatever a client sends, the targets computed from it stay on this site: a path starting
    with one « / » (never ``//host``, never a scheme), and nothing raises."""
    legacy.looks_legacy(path, query)
    legacy.keys_for_request(path, query)
    target = legacy.page_target(path, query)
    if target is not None:
        assert target.startswith("/") and not target.startswith("//")
        assert "\n" not in target and "\r" not in target


def test_redac_pagination_is_not_an_old_address():
    assert not legacy.looks_legacy("/", "page=2")
    assert legacy.page_target("/", "page=2") is None
    assert legacy.looks_legacy("/", "page=article&id_article=3")
    assert not legacy.looks_legacy("/ecrire-pour-la-paix/", "")
