"""An editor's change reaches readers at once: exactly the cached HTML that shows it is removed
(page, listings up the tree, home, feeds, keyword and author pages), and nothing private or
unpublished ever enters the cache."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from redac.core.signals import register_page_urls as register_url_provider
from redac.delivery.invalidation import paths_for_page
from redac.delivery.store import Entry
from redac.flash.models import FlashItem
from redac.news.models import BrevePage, SectionPage

pytestmark = pytest.mark.django_db

BREVE = "assemblee-generale"  # linked from no flash item or banner: invalidated precisely
LISTING = "/actualite/breves/"


@pytest.fixture
def editor_client(client, personas):
    client.force_login(personas["moderator"])
    return client


def session_of(client) -> dict:
    return {"sessionid": client.cookies["sessionid"].value}


def edit_form(page, title, *, publish=True):
    data = {
        "title": title, "slug": page.slug, "body": streamfield([("spip", "Texte modifié.")]),
        "author_links": inline_formset([]), "lien_titre": "", "lien_url": "",
        "date": timezone.localtime(page.date).strftime("%Y-%m-%d %H:%M"), "lang": "fr",
    }  # fmt: skip
    if publish:
        data["action-publish"] = "action-publish"
    return nested_form_data(data)


def warm(reader, *paths):
    for path in paths:
        reader.get(path)
        assert reader.get(path).header("x-cache") == "HIT", path


def fake_entry(store, path):
    entry = Entry.build("200 OK", [("Content-Type", "application/rss+xml")], b"<rss/>",
                        expires_at=timezone.now().timestamp() + 600)  # fmt: skip
    assert store.put(("http://testserver", path, ""), entry, store.token())


def test_a_published_change_shows_at_once_on_the_page_its_listings_home_and_feeds(
    reader, demo, editor_client, page_cache, django_capture_on_commit_callbacks
):
    breve = demo["breves"][BREVE]
    warm(reader, breve.url, LISTING, "/actualite/", "/")
    fake_entry(page_cache, "/feeds/actualite/")
    fake_entry(page_cache, "/sitemap.xml")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/pages/{breve.pk}/edit/",
                                      edit_form(breve, "AG : la date est fixée"))  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    for path in (breve.url, LISTING, "/actualite/", "/"):
        response = reader.get(path)
        assert response.header("x-cache") == "MISS", path
        # The section lists articles only; the brèves listing and home list brèves.
        assert ("la date est fixée" in response.text) is (path != "/actualite/"), path
    remaining = page_cache.cached_paths()
    assert "/feeds/actualite/" not in remaining and "/sitemap.xml" not in remaining


def test_a_publication_leaves_unrelated_pages_cached(reader, demo, page_cache):
    breve = demo["breves"][BREVE]
    warm(reader, breve.url, "/culture/", "/mentions-legales/")
    breve.title = "Assemblée générale : nouvelle date"
    breve.save_revision().publish()
    assert reader.get("/culture/").header("x-cache") == "HIT"
    assert reader.get("/mentions-legales/").header("x-cache") == "HIT"
    assert reader.get(breve.url).header("x-cache") == "MISS"


def test_a_draft_never_reaches_any_cached_page(reader, demo, editor_client, page_cache):
    breve = demo["breves"][BREVE]
    warm(reader, breve.url, LISTING, "/")
    response = editor_client.post(f"/admin/pages/{breve.pk}/edit/",
                                  edit_form(breve, "BROUILLON SECRET", publish=False))  # fmt: skip
    assert response.status_code == 302
    # The editor previews the draft: under /admin/, so never stored.
    editor_client.get(f"/admin/pages/{breve.pk}/edit/preview/")
    page_cache.clear()
    for path in (breve.url, LISTING, "/", "/actualite/", "/mots/democratie/"):
        assert "BROUILLON SECRET" not in reader.get(path).text, path
    assert not any(p.startswith("/admin") for p in page_cache.cached_paths())


def test_a_logged_in_editor_is_never_served_a_cached_page(reader, demo, editor_client):
    warm(reader, "/")
    response = reader.get("/", cookies=session_of(editor_client))
    assert response.status == 200 and response.header("x-cache") != "HIT"
    assert "private" in response.header("cache-control")


def test_a_logged_in_editor_never_fills_the_cache(reader, demo, editor_client, page_cache):
    breve = demo["breves"][BREVE]
    for path in ("/", breve.url):
        assert reader.get(path, cookies=session_of(editor_client)).status == 200
    assert page_cache.cached_paths() == []
    assert reader.get("/").header("x-cache") == "MISS"


def test_unpublishing_removes_the_page_and_its_mentions(reader, demo, page_cache):
    breve = demo["breves"][BREVE]
    title = breve.title
    warm(reader, breve.url, LISTING, "/")
    breve.unpublish()
    assert reader.get(breve.url).status == 404
    assert title not in reader.get(LISTING).text
    assert title not in reader.get("/").text


def test_moving_a_page_removes_its_old_address_and_updates_both_listings(reader, demo, page_cache):
    from redac.news.models import ArticlePage

    article = ArticlePage.objects.get(slug="europe-services-publics")
    old_url = article.url
    old_parent_url = article.get_parent().url
    culture = SectionPage.objects.get(slug="culture")
    warm(reader, old_url, old_parent_url, "/culture/")
    article.move(culture, pos="last-child")
    article.refresh_from_db()
    old = reader.get(old_url)  # Wagtail leaves a redirect at the old address
    assert old.status in (301, 404) and old.header("x-cache") != "HIT"
    if old.status == 301:
        assert old.header("location").endswith(article.url)
    assert "régies publiques" not in reader.get(old_parent_url).text.split("<main")[1]
    assert "régies publiques" in reader.get("/culture/").text
    assert reader.get(article.url).status == 200


def test_deleting_a_page_removes_it(reader, demo):
    breve = BrevePage.objects.get(slug=BREVE)
    url = breve.url
    warm(reader, url, LISTING)
    breve.delete()
    assert reader.get(url).status == 404
    assert "Assemblée générale" not in reader.get(LISTING).text


def test_keyword_and_author_pages_listing_the_page_are_purged(demo):
    breve = BrevePage.objects.get(slug=BREVE)
    paths, prefixes = paths_for_page(breve)
    assert "/mots/democratie/" in paths
    assert {"/", "/actualite/", LISTING} <= paths
    assert breve.url in prefixes
    assert "/feeds/" in prefixes and "/sitemap-" in prefixes and "/sitemap.xml" in paths


def test_apps_add_their_own_urls_to_purge(demo):
    @register_url_provider
    def section_feeds(page):
        return [f"/feeds/section-{page.get_parent().slug}.xml"]

    try:
        paths, _ = paths_for_page(BrevePage.objects.get(slug=BREVE))
        assert "/feeds/section-breves.xml" in paths
    finally:
        from redac.core import signals

        signals._page_url_providers.remove(section_feeds)


def test_a_flash_item_change_empties_the_whole_cache(reader, demo, editor_client, page_cache):
    warm(reader, "/", "/culture/", "/mentions-legales/")
    response = editor_client.post("/admin/snippets/flash/flashitem/add/", {
        "title": "Rassemblement devant la mairie à 18 h", "date": "2026-11-27 09:00",
        "link_page": "", "link_url": "https://example.org/r", "action-publish": "action-publish",
    })  # fmt: skip
    assert response.status_code == 302
    for path in ("/", "/culture/", "/mentions-legales/"):
        response = reader.get(path)
        assert response.header("x-cache") == "MISS"
        assert "Rassemblement devant la mairie" in response.text


def test_a_page_linked_from_the_flash_ticker_empties_the_whole_cache(reader, demo, page_cache):
    linked = demo["breves"]["petition-guichets"]
    warm(reader, "/culture/")
    linked.save_revision().publish()
    assert reader.get("/culture/").header("x-cache") == "MISS"


def test_a_flash_item_expiring_is_not_shown_by_cached_pages(reader, demo, page_cache):
    item = FlashItem.objects.visible().first()
    item.expire_at = timezone.now() + timezone.timedelta(minutes=5)
    item.save()
    reader.get("/culture/")
    entry = page_cache.get(("http://testserver", "/culture/", ""))
    assert entry.expires_at <= item.expire_at.timestamp() + 0.001


def test_a_live_flash_item_saved_directly_empties_the_cache(reader, demo, page_cache):
    warm(reader, "/culture/")
    item = FlashItem.objects.visible().first()
    item.title = "Titre corrigé par un script"
    item.save()
    assert "Titre corrigé par un script" in reader.get("/culture/").text


def test_a_page_going_live_on_schedule_is_shown(reader, demo, page_cache):
    listing = demo["breves"][BREVE].get_parent()
    breve = BrevePage(title="Brève programmée pour ce matin", slug="programmee",
                      date=timezone.now(), live=False)  # fmt: skip
    listing.add_child(instance=breve)
    revision = breve.save_revision()
    revision.approved_go_live_at = timezone.now() - timezone.timedelta(minutes=1)
    revision.save()
    warm(reader, LISTING, "/")
    assert "Brève programmée" not in reader.get(LISTING).text
    call_command("publish_scheduled", verbosity=0)
    assert "Brève programmée pour ce matin" in reader.get(LISTING).text
    assert "Brève programmée pour ce matin" in reader.get("/").text


def test_a_rendering_that_started_before_an_invalidation_is_not_stored(page_cache):
    token = page_cache.token()
    page_cache.invalidate(["/"])
    entry = Entry.build("200 OK", [("Content-Type", "text/html")], b"ancienne version",
                        expires_at=timezone.now().timestamp() + 60)  # fmt: skip
    assert not page_cache.put(("http://testserver", "/", ""), entry, token)
    assert page_cache.get(("http://testserver", "/", "")) is None


def test_another_worker_sees_an_invalidation_within_its_check_interval(reader, demo, page_cache):
    import time

    from redac.delivery.store import FileStore

    other = FileStore(page_cache.root, max_bytes=page_cache.max_bytes, memory_bytes=1 << 20,
                      check_interval=0.05)  # fmt: skip
    key = ("http://testserver", "/", "")
    reader.get("/")
    assert other.get(key) is not None  # now in the other worker's memory too
    page_cache.invalidate(["/"])
    time.sleep(0.06)
    assert other.get(key) is None


def _image(title):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    return get_image_model().objects.create(title=title, file=get_test_image_file())


def test_an_image_a_page_shows_changing_removes_that_page_and_its_listing(reader, demo, page_cache):
    from redac.news.models import ArticlePage

    article = ArticlePage.objects.get(slug="gares-de-proximite")
    article.lead_image = _image("Quai de gare")
    article.save_revision().publish()
    listing = article.get_parent().url
    warm(reader, article.url, listing, "/culture/")
    image = article.lead_image
    image.focal_point_x, image.focal_point_y, image.focal_point_width = 10, 10, 5
    image.focal_point_height = 5
    image.save()  # new focal point: new renditions, the old URLs are gone
    assert reader.get(article.url).header("x-cache") == "MISS"
    assert reader.get(listing).header("x-cache") == "MISS"
    assert reader.get("/culture/").header("x-cache") == "HIT"  # does not show it


def test_the_site_logo_changing_empties_the_whole_cache(reader, demo, page_cache):
    from redac.core.models import SiteIdentity

    identity = SiteIdentity.objects.get()
    identity.logo = _image("Logo")
    identity.save()
    warm(reader, "/culture/")
    identity.logo.title = "Logo 2027"
    identity.logo.save()
    assert reader.get("/culture/").header("x-cache") == "MISS"


def test_a_new_upload_or_an_unused_image_edited_changes_nothing_readers_see(
    reader, demo, page_cache
):
    warm(reader, "/culture/")
    unused = _image("Pas encore utilisée")
    unused.title = "Toujours pas utilisée"
    unused.save()
    assert reader.get("/culture/").header("x-cache") == "HIT"
