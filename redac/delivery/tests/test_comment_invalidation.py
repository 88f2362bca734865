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
