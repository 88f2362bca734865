"""An approved comment shows on a page that was served from the cache."""

import pytest

from redac.comments.services import comments_changed

pytestmark = pytest.mark.django_db


def test_a_comment_change_purges_its_page_from_the_cache(reader, demo, page_cache):
    breve = demo["breves"]["petition-guichets"]
    reader.get(breve.url)
    assert reader.get(breve.url).header("x-cache") == "HIT"
    comments_changed.send(sender=None, page=breve)
    assert reader.get(breve.url).header("x-cache") == "MISS"


def test_approving_a_comment_purges_the_listings_that_show_its_count(
    reader, demo, page_cache, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import User

    from redac.comments.models import Comment
    from redac.comments.services import moderate

    breve = demo["breves"]["petition-guichets"]
    author = breve.authors[0]
    keyword = breve.keywords.first()
    listings = ["/", "/actualite/", breve.get_parent().url, author.get_absolute_url(),
                f"/mots/{keyword.slug}/"]  # fmt: skip
    unrelated = "/culture/"
    for path in [*listings, unrelated]:
        reader.get(path)
        assert reader.get(path).header("x-cache") == "HIT", path
    comment = Comment.objects.create(page=breve, author_name="Sam", body="Bravo.")
    admin = User.objects.create_superuser("chef", "chef@example.org", "motdepasse-chef-42")
    with django_capture_on_commit_callbacks(execute=True):
        assert moderate([comment], "approve", admin) == 1
    for path in listings:
        assert reader.get(path).header("x-cache") == "MISS", path
    assert "1 commentaire<" in reader.get(breve.get_parent().url).text
    assert reader.get(unrelated).header("x-cache") == "HIT"  # nothing else is purged


def test_imported_comments_purge_their_page(
    reader, demo, page_cache, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from redac.comments.services import ImportedForumMessage, import_comments

    breve = demo["breves"]["petition-guichets"]
    reader.get(breve.url)
    assert reader.get(breve.url).header("x-cache") == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        import_comments([ImportedForumMessage(1, breve, "Paul", "Repris de SPIP", "publie",
                                              timezone.now())])  # fmt: skip
    page = reader.get(breve.url)
    assert page.header("x-cache") == "MISS" and "Repris de SPIP" in page.text


def test_a_bulk_job_purges_once_at_its_end(reader, demo, page_cache):
    from redac.delivery.invalidation import deferred

    breve = demo["breves"]["petition-guichets"]
    reader.get(breve.url)
    with deferred(reason="import"):
        comments_changed.send(sender=None, page=breve)
        assert reader.get(breve.url).header("x-cache") == "HIT"  # held until the job ends
    assert reader.get(breve.url).header("x-cache") == "MISS"
