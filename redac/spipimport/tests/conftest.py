"""SPIP-shaped sources built by ``tests.support.spip_sites`` (no dependency on ../shared)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from tests.support.spip_sites import SiteSpec, build_sqlite, build_xml_dump


@pytest.fixture(scope="session")
def spip4_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spip4")
    img = folder / "IMG"
    img.mkdir()
    return build_sqlite(folder / "spip.sqlite", SiteSpec(schema="spip4"), img), img


@pytest.fixture(scope="session")
def spip2_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spip2")
    img = folder / "IMG"
    img.mkdir()
    return build_sqlite(folder / "spip.sqlite", SiteSpec(schema="spip2"), img), img


@pytest.fixture(scope="session")
def spip2_xml_dump(spip2_site, tmp_path_factory):
    path, img = spip2_site
    return build_xml_dump(path, tmp_path_factory.mktemp("xml") / "dump.xml.gz"), img


def fresh_numbering() -> None:
    """The demo site's own articles, brèves, sections and images hold SPIP numbers 1, 2, 3…: a
    SPIP site imported beside them collides on those numbers (reported, never merged; see
    ``test_spip_numbers.py``). Tests of an import into a fresh install first take the demo
    content's numbers away (inside the test's transaction)."""
    from redac.news.numbers import SpipNumber, SpipNumberCounter

    SpipNumber.objects.filter(from_spip=False).delete()
    SpipNumberCounter.objects.all().delete()


@pytest.fixture
def run_import(tmp_path):
    """Run ``redac import-spip`` and return its JSON report."""

    def run(source, *args):
        if not getattr(run, "numbering_freed", False):
            fresh_numbering()
            run.numbering_freed = True
        report = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.json"
        call_command("import-spip", str(source), *[str(a) for a in args],
                     "--report", str(report), verbosity=0)  # fmt: skip
        return json.loads(report.read_text())

    return run
