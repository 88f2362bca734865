"""The page cache purges what content types declare in redac.core.signals, and knows nothing else
of them: a model registered site-wide empties the cache, a registered clock moment expires the
cached pages and empties them once passed, comments announce their own purges, and delivery's
source names no content app, model or path."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone

from redac.core import signals
from redac.delivery import conf, schedule

pytestmark = pytest.mark.django_db

DELIVERY = Path(__file__).resolve().parents[1]
#: The apps above delivery (redac.core is below it, but its content types register like theirs).
CONTENT_APPS = ("news", "flash", "reserve", "comments", "contact", "spipimport", "newsletter",
                "newsroom", "search", "visits")  # fmt: skip
CONTENT_LABELS = ("core", "news", "flash", "reserve", "comments", "contact", "spipimport",
                  "newsletter", "newsroom", "redac_search", "visits")  # fmt: skip


@pytest.fixture
def site_wide_groups():
    """``auth.Group`` registered site-wide for this test only."""
    assert "auth.Group" not in signals.site_wide_models()
    signals.register_site_wide("auth.Group")
    yield
    signals._site_wide.pop("auth.Group")


@pytest.fixture
def clock_in_ninety_seconds():
    """A clock function registered for this test only: something changes in 90 seconds."""
    moment = timezone.now().replace(microsecond=0) + timedelta(seconds=90)

    def in_ninety_seconds(now):
        return [None, moment if moment > now else None]

    signals.register_clock(in_ninety_seconds)
    schedule.forget()
    yield moment
    signals._clock_functions.remove(in_ninety_seconds)
    schedule.forget()


def test_a_model_is_not_site_wide_until_its_app_registers_it(reader, demo):
    reader.get("/culture/")
    Group.objects.create(name="Lecteurs")
    assert reader.get("/culture/").header("x-cache") == "HIT"


def test_saving_a_model_registered_site_wide_empties_the_cache(reader, demo, site_wide_groups):
    for path in ("/", "/culture/"):
        reader.get(path)
        assert reader.get(path).header("x-cache") == "HIT"
    group = Group.objects.create(name="Lecteurs")
    assert reader.get("/culture/").header("x-cache") == "MISS"
    reader.get("/")
    group.delete()
    assert reader.get("/").header("x-cache") == "MISS"


def test_a_site_wide_model_registered_on_publish_ignores_plain_updates(
    reader, demo, site_wide_groups
):
    signals.register_site_wide("auth.Group", on="publish")  # no `live` field: never published
    reader.get("/culture/")
    Group.objects.create(name="Lecteurs")
    assert reader.get("/culture/").header("x-cache") == "HIT"


def test_a_registration_names_a_model_label_and_a_known_moment():
    with pytest.raises(ValueError):
        signals.register_site_wide("Group")
    with pytest.raises(ValueError):
        signals.register_site_wide("auth.Group", on="edit")


def test_a_registered_clock_moment_is_the_cached_pages_expiry(
    client, demo, page_cache, clock_in_ninety_seconds
):
    response = client.get("/culture/")
    assert float(response[conf.EXPIRES_HEADER]) == clock_in_ninety_seconds.timestamp()


def test_a_registered_clock_moment_empties_the_caches_once_passed(
    reader, demo, page_cache, clock_in_ninety_seconds
):
    from freezegun import freeze_time

    from redac.core.jobs import registered_jobs

    job = registered_jobs()["delivery.scheduled_changes"]
    reader.get("/culture/")
    job.func()
    assert "/culture/" in page_cache.cached_paths()  # not yet: nothing has changed
    with freeze_time(clock_in_ninety_seconds + timedelta(seconds=1)):
        job.func()
        assert "/culture/" not in page_cache.cached_paths()


def test_a_comment_count_change_is_announced_with_the_listings_that_show_it(reader, demo):
    from redac.comments.models import Comment
    from redac.comments.services import comments_changed

    breve = demo["breves"]["petition-guichets"]
    keyword = breve.keywords.first()
    announced = []

    def listen(sender, **kwargs):
        announced.append((sender, kwargs))

    signals.content_changed.connect(listen)
    try:
        comments_changed.send(sender=Comment, page=breve)
    finally:
        signals.content_changed.disconnect(listen)
    [(sender, kwargs)] = announced
    assert sender is Comment and not kwargs.get("everything")
    assert {"/", "/actualite/", breve.url, f"/mots/{keyword.slug}/",
            breve.authors[0].get_absolute_url()} <= set(kwargs["paths"])  # fmt: skip


def test_an_announced_change_purges_its_paths_and_nothing_else(reader, demo):
    for path in ("/actualite/", "/culture/"):
        reader.get(path)
    signals.content_changed.send(sender=Group, paths=["/actualite/"], reason="essai")
    assert reader.get("/actualite/").header("x-cache") == "MISS"
    assert reader.get("/culture/").header("x-cache") == "HIT"
    signals.content_changed.send(sender=Group, everything=True, reason="essai")
    assert reader.get("/culture/").header("x-cache") == "MISS"


# --- What delivery's source may name -------------------------------------------------------------


def _delivery_modules():
    for path in sorted(DELIVERY.rglob("*.py")):
        relative = path.relative_to(DELIVERY)
        if relative.parts[0] not in ("tests", "migrations"):
            yield relative, ast.parse(path.read_text(), filename=str(path))


def _docstrings(tree) -> set[int]:
    nodes = [tree, *(n for n in ast.walk(tree)
                     if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef))]  # fmt: skip
    return {id(n.body[0].value) for n in nodes
            if n.body and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)}  # fmt: skip


def _content_model_names() -> set[str]:
    names = set()
    for label in CONTENT_LABELS:
        names |= {model.__name__ for model in apps.get_app_config(label).get_models()}
    return names


def test_delivery_imports_no_content_app_and_names_no_content_model_or_path():
    """Delivery reads the registry of redac.core.signals; a content type it named itself would be
    a place to edit for each new one, and a place to forget (stale pages, no error)."""
    models = _content_model_names()
    assert {"FlashItem", "Author", "SiteIdentity", "ElectionSilence"} <= models
    found = []
    for relative, tree in _delivery_modules():
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            where = f"{relative}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if not node.level else []  # fmt: skip
                for module in modules:
                    if module.split(".")[:2] in (["redac", app] for app in CONTENT_APPS):
                        found.append(f"{where} imports {module}")
                    if module == "redac.core.models":
                        found.append(f"{where} imports {module} (the site identity's module)")
            elif isinstance(node, ast.Name) and node.id in models:
                found.append(f"{where} names {node.id}")
            elif isinstance(node, ast.Attribute) and node.attr in models:
                found.append(f"{where} names {node.attr}")
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docstrings):  # fmt: skip
                text = node.value
                for label in CONTENT_LABELS:
                    module = f"redac.{label}" if label != "core" else "redac.core.models"
                    if text == label or text.startswith(f"{label}.") or module in text:
                        found.append(f"{where} names the app {label!r} in {text!r}")
                if any(path in text for path in ("/mots/", "/auteurs/", "/feeds/", "/sitemap")):
                    found.append(f"{where} names a content path in {text!r}")
    assert found == []
