"""The import's screens promised by docs/migrate-from-spip.md: « objets importés » and « anciennes
adresses SPIP », with who may see them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from redac.newsroom import roles
from tests.support.personas import login
from tests.support.spip_sites import SiteSpec, build_sqlite

pytestmark = pytest.mark.django_db

RECORDS = "/admin/import-spip/objets/"
ADDRESSES = "/admin/import-spip/adresses/"


@pytest.fixture
def imported(tmp_path, run_import):
    img = tmp_path / "IMG"
    img.mkdir()
    source = build_sqlite(tmp_path / "spip.sqlite", SiteSpec(takeover=True), img)
    return run_import(source, "--img", img)


def _user(name, *groups, superuser=False):
    user = User.objects.create_user(name, f"{name}@example.org", "motdepasse-solide-42",
                                    is_superuser=superuser)  # fmt: skip
    for group in groups:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.parametrize("role", [roles.ADMINISTRATOR, roles.WEBMASTER])
def test_administrateur_and_webmestre_see_both_import_screens(client, imported, role):
    login(client, _user("chef", role))
    records = client.get(RECORDS)
    assert records.status_code == 200
    assert "article 3" in records.content.decode()
    assert client.get(ADDRESSES).status_code == 200


def test_objets_importes_are_searched_by_spip_number_and_original_status(client, imported):
    login(client, _user("chef", roles.ADMINISTRATOR))
    by_number = client.get(RECORDS, {"kind": "article", "number": 2}).content.decode()
    assert "article 2" in by_number and "article 23" not in by_number
    drafts = client.get(RECORDS, {"spip_status": "prepa"}).content.decode()
    assert "article 22" in drafts and "article 3<" not in drafts
    searched = client.get(RECORDS, {"q": "spip:breve:1"}).content.decode()
    assert "brève 1" in searched


def test_anciennes_adresses_show_the_new_page_of_each_old_address(client, imported):
    from redac.news.models import ArticlePage

    login(client, _user("chef", roles.ADMINISTRATOR))
    page = client.get(ADDRESSES, {"target": "article:3"}).content.decode()
    article = ArticlePage.objects.get(import_ref="spip:article:3")
    assert "/spip.php?article3" in page and f'href="{article.url}"' in page
    assert "/article-numero-3 (article)" in page
    documents = client.get(ADDRESSES, {"form": "img"}).content.decode()
    assert "/IMG/pdf/rapport-annuel.pdf" in documents


def test_nobody_edits_the_import_records_not_even_a_superuser(client, imported):
    from redac.spipimport.models import ImportRecord

    login(client, _user("root", superuser=True))
    assert client.get(RECORDS).status_code == 200
    record = ImportRecord.objects.get(ref="spip:article:3")
    for url in (f"{RECORDS}add/", f"{RECORDS}edit/{record.pk}/", f"{RECORDS}delete/{record.pk}/"):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
    assert client.get(f"{RECORDS}inspect/{record.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["redacteur", "restricted", "outsider"])
def test_redacteur_restricted_admin_and_outsider_cannot_see_the_import_screens(client, imported,
                                                                               who):  # fmt: skip
    user = {
        "redacteur": lambda: _user("redac", roles.REDACTEUR),
        "restricted": lambda: _user("resa", roles.RESTRICTED_ADMIN),
        "outsider": lambda: _user("passant"),
    }[who]()
    login(client, user)
    for url in (RECORDS, ADDRESSES):
        response = client.get(url)
        assert response.status_code in (302, 403), (who, url)
        assert "article 3" not in response.content.decode()


def test_a_reader_is_sent_to_the_login_page(client, imported):
    for url in (RECORDS, ADDRESSES):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
