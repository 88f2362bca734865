"""Issue 16: SPIP numbers for content made in redac (« Article n° 19 », ``[->article19]``,
``<img4>``, ``<doc4>``), never reused, shared by images and documents, safe under concurrency."""

from __future__ import annotations

import importlib
import threading

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import close_old_connections
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from redac.core.templatetags.redac_tags import spip_filter
from redac.news import numbers
from redac.news.models import ArticlePage, BrevePage, SectionPage
from tests.support.spip_sites import png_bytes

pytestmark = pytest.mark.django_db


def _section():
    return SectionPage.objects.live().first()


def _article(title="Écrit dans redac", live=True):
    page = _section().add_child(instance=ArticlePage(title=title, live=live))
    return page


def _image(name="photo"):
    return get_image_model().objects.create(
        title=name, file=ContentFile(png_bytes(8, 6), name=f"{name}.png")
    )


def _document(name="rapport"):
    return get_document_model().objects.create(
        title=name, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{name}.pdf")
    )


def test_every_demo_article_brève_section_and_image_has_a_number(demo):
    for model in (ArticlePage, BrevePage, SectionPage, get_image_model()):
        for obj in model.objects.all():
            assert numbers.number_of(obj) is not None, obj


def test_a_new_article_takes_the_highest_number_ever_given_plus_one(demo):
    highest = numbers.SpipNumberCounter.objects.get(kind="article").last
    page = _article()
    assert numbers.number_of(page) == highest + 1
    assert numbers.label_of(page) == f"Article n° {highest + 1}"


def test_a_deleted_article_number_is_never_given_again(demo):
    first = _article("Premier")
    number = numbers.number_of(first)
    first.delete()
    assert numbers.object_for("article", number) is None
    second = _article("Second")
    assert numbers.number_of(second) == number + 1


def test_images_and_documents_share_one_numbering(demo):
    image, document, image2 = _image(), _document(), _image("autre")
    n_image, n_doc, n_image2 = (numbers.number_of(o) for o in (image, document, image2))
    assert n_doc == n_image + 1 and n_image2 == n_doc + 1
    assert numbers.object_for("document", n_doc).pk == document.pk


def test_new_numbers_start_above_the_range_reserved_for_a_spip_site_being_resynced(demo):
    numbers.reserve("breve", 5000)
    numbers.reserve("breve", 10)  # a reservation never shrinks
    listing = BrevePage.objects.first().get_parent()
    breve = listing.add_child(instance=BrevePage(title="Brève de redac"))
    assert numbers.number_of(breve) == 5001


def test_a_claimed_number_held_by_another_object_is_a_collision_never_a_merge(demo):
    page = _article()
    other = _article("Autre")
    with pytest.raises(numbers.NumberCollision):
        numbers.claim(other, numbers.number_of(page))
    assert numbers.object_for("article", numbers.number_of(page)).pk == page.pk


def _allocate_in_threads(count_threads: int, per_thread: int) -> list[int]:
    got: list[int] = []
    errors: list[Exception] = []
    lock = threading.Lock()
    barrier = threading.Barrier(count_threads)

    def work(start: int):
        try:
            barrier.wait()
            for n in range(per_thread):
                # a page object standing for a new article (the numbering only needs its id)
                number = numbers.allocate(ArticlePage(pk=900000 + start * 1000 + n))
                with lock:
                    got.append(number)
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return got


ALLOCATE = """
import django, json, sys
django.setup()
from redac.news import numbers
from redac.news.models import ArticlePage
start = int(sys.argv[1])
print(json.dumps([numbers.allocate(ArticlePage(pk=start + n)) for n in range(8)]))
"""


def _allocate_in_processes(database_file, count: int) -> list[int]:
    """SQLite: the test database lives in memory (shared cache), where writers fail at once
    instead of waiting; the production set-up (a file, WAL, IMMEDIATE transactions, a busy
    timeout) is tested on a copy of it, by processes as granian's workers are."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database_file}",
           "DJANGO_SETTINGS_MODULE": "redac.settings"}  # fmt: skip
    procs = [subprocess.Popen([sys.executable, "-c", ALLOCATE, str(900000 + i * 1000)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(count)]  # fmt: skip
    got = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
        got += json.loads(out.strip().splitlines()[-1])
    return got


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.slow  # allocates numbers from several processes
def test_numbers_given_at_the_same_time_are_all_different_and_contiguous(demo, tmp_path):
    from django.db import connection
    from django.db.models import Max

    # (serialized_rollback reloads the counter as it was before the demo was built)
    held = numbers.SpipNumber.objects.filter(kind="article").aggregate(top=Max("number"))["top"]
    before = max(numbers.SpipNumberCounter.objects.get(kind="article").last, held or 0)
    if connection.vendor == "sqlite":
        import sqlite3

        copy = tmp_path / "redac.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
        got = _allocate_in_processes(copy, 6)
    else:
        got = _allocate_in_threads(6, 8)
    assert len(got) == 48 and len(set(got)) == 48
    assert sorted(got) == list(range(before + 1, before + 49))


def test_spip_shortcuts_resolve_for_content_made_in_redac(demo):
    page = _article("Un article de redac")
    image, document = _image(), _document("Rapport 2026")
    n_page, n_image, n_doc = (numbers.number_of(o) for o in (page, image, document))
    html = spip_filter(f"Lire [->article{n_page}] et <img{n_image}|center> puis <doc{n_doc}>.")
    assert f'href="{page.url}"' in html and "Un article de redac" in html
    assert "<img " in html and "spip-doc--center" in html
    assert f'href="{document.url}"' in html and "Rapport 2026" in html
    # one numbering: <doc> of an image shows it too, <img> of a PDF names the same document
    assert "<img " in spip_filter(f"<doc{n_image}>")


def test_no_output_links_to_an_address_that_does_not_answer(demo, client):
    draft = _article("Brouillon secret", live=False)
    number = numbers.number_of(draft)
    html = spip_filter(f"Voir [->article{number}] et [->article999999] et [le lien->breve999999].")
    assert "<a " not in html  # text only, never spip.php?article… that would answer 404
    assert "Brouillon secret" not in html  # and never the title of what readers may not see
    assert f"article {number}" in html.replace("\u00a0", " ") and "le lien" in html


def test_the_admin_shows_the_article_number_and_its_shortcut(demo, admin_client):
    page = _article()
    number = numbers.number_of(page)
    html = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert f"Article n° {number}" in html and f"[-&gt;article{number}]" in html


def test_the_choosers_get_the_numbers_of_images_and_documents(demo, admin_client):
    image, document = _image(), _document()
    data = admin_client.get(
        "/admin/numeros-spip/", {"images": str(image.pk), "documents": str(document.pk)}
    ).json()
    assert data == {
        "images": {str(image.pk): numbers.number_of(image)},
        "documents": {str(document.pk): numbers.number_of(document)},
    }
    chooser = admin_client.get("/admin/images/chooser/").content.decode()
    assert "news/spip_numbers.js" in chooser or admin_client.get("/admin/").status_code == 200


def test_a_reader_cannot_ask_for_numbers(client, demo):
    assert client.get("/admin/numeros-spip/?images=1").status_code == 302


def test_existing_installs_get_numbers_imported_ones_from_their_import_records(demo):
    page = _article("Importé autrefois")
    ArticlePage.objects.filter(pk=page.pk).update(import_ref="spip:article:4242")
    image = _image("logo importé")
    from redac.spipimport.models import ImportRecord

    ImportRecord.objects.create(ref="spip:document:777", digest="x", model="wagtailimages.image",
                                object_id=image.pk)  # fmt: skip
    numbers.SpipNumber.objects.all().delete()
    numbers.SpipNumberCounter.objects.all().delete()
    pages = importlib.import_module("redac.news.migrations.0004_spip_numbers")
    documents = importlib.import_module("redac.spipimport.migrations.0003_number_documents")
    pages.number_existing_pages(apps, None)
    documents.number_existing_documents(apps, None)
    assert numbers.number_of(page) == 4242
    assert numbers.number_of(image) == 777
    # the articles made in redac follow the highest imported number, in the order they were made
    made_here = ArticlePage.objects.exclude(pk=page.pk).order_by("pk")
    assert [numbers.number_of(a) for a in made_here] == list(range(4243, 4243 + len(made_here)))
    assert numbers.number_of(_article("Nouveau")) == 4243 + len(made_here)
    assert numbers.number_of(_image("nouvelle")) > 777
