"""Static publishing on several nodes (issue 17): each node's folder applies every purge, whichever
node's editor caused it (redac.delivery.outbox.LocalApplier, run by each node's redac worker)."""

import datetime as dt

import pytest
from django.utils import timezone

from redac.delivery import conf, outbox
from redac.delivery.models import Invalidation

pytestmark = pytest.mark.django_db


def publish(publisher, path):
    publisher.publish(path, b"<html>ancienne version</html>", None)
    return publisher.root.joinpath(*[p for p in path.split("/") if p], "index.html")


def test_a_purge_written_by_another_node_empties_this_nodes_folder(page_cache, publish_dir):
    applier = outbox.LocalApplier()
    applier.run()  # a node starting: nothing to catch up
    publisher = conf.get_publisher()
    page = publish(publisher, "/actualite/breves/")
    other = publish(publisher, "/rubrique/")
    Invalidation.objects.create(paths=["/actualite/breves/"], origin="node-a:/srv/a",
                                applied_at=timezone.now())  # fmt: skip
    assert applier.run() == 1
    assert not page.exists() and other.exists()
    # Applied once: a file published again afterwards stays.
    page = publish(publisher, "/actualite/breves/")
    assert applier.run() == 0 and page.exists()
    Invalidation.objects.create(everything=True, origin="node-a:/srv/a")
    applier.run()
    assert not other.exists() and not page.exists()


def test_this_nodes_own_applied_purges_are_not_applied_twice(page_cache, publish_dir):
    applier = outbox.LocalApplier()
    applier.run()
    page = publish(conf.get_publisher(), "/actualite/")
    Invalidation.objects.create(paths=["/actualite/"], origin=outbox.node_name(),
                                applied_at=timezone.now())  # fmt: skip
    applier.run()
    assert page.exists()
    # ...but one still pending is (its writer may have died before applying it).
    Invalidation.objects.create(paths=["/actualite/"], origin=outbox.node_name())
    applier.run()
    assert not page.exists()


def test_a_node_restarted_soon_catches_up_one_stopped_too_long_empties_its_folder(
    page_cache, publish_dir
):
    outbox.LocalApplier().run()
    publisher = conf.get_publisher()
    page = publish(publisher, "/actualite/")
    kept = publish(publisher, "/rubrique/")
    # Written while this node's worker was stopped:
    Invalidation.objects.create(paths=["/actualite/"], origin="node-a:/srv/a")
    outbox.LocalApplier().run()  # the worker starts again
    assert not page.exists() and kept.exists()
    mark = publish_dir / outbox.LocalApplier.MARK
    mark.write_text(str((timezone.now() - dt.timedelta(days=2)).timestamp()))
    outbox.LocalApplier().run()
    assert not kept.exists()


def test_the_pending_purges_are_an_outbox_backlog_in_the_metrics():
    from redac.core.metrics import OutboxCollector

    Invalidation.objects.create(paths=["/a/"])
    Invalidation.objects.create(paths=["/b/"], applied_at=timezone.now())
    samples = {s.labels["outbox"]: s.value for f in OutboxCollector().collect() for s in f.samples}
    assert samples["invalidations"] == 1
