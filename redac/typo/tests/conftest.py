"""Fixtures for the SPIP markup engine tests (no Django, no database)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import skip_or_fail
from tests.support.conformance import SiteResolver

#: ../shared beside the repository (redac/typo/tests/conftest.py -> parents[3] = repo root)
SHARED = (Path(__file__).resolve().parents[3] / ".." / "shared").resolve()
SPIP = SHARED / "spip"


@pytest.fixture(scope="session")
def spip_dir() -> Path:
    if not (SPIP / "oracle" / "public.jsonl").exists():
        skip_or_fail(f"SPIP reference data not found at {SPIP} (../shared beside the repo)")
    return SPIP


@pytest.fixture(scope="session")
def resolver(spip_dir: Path) -> SiteResolver:
    """Resolver built from the fixture site's urls.json (titles and URLs of every object)."""
    return SiteResolver(spip_dir / "site" / "urls.json")


class DictResolver:
    """A small in-memory resolver for unit tests."""

    def __init__(self) -> None:
        self.objects = {
            ("article", 3): ("/actualite/sanctions/", "L'Union européenne élargit ses sanctions"),
            ("rubrique", 2): ("/international/", "International"),
            ("document", 1): ("/media/carte.png", "Carte des îles Kouriles"),
        }

    def link(self, kind, id):
        return self.objects.get((kind, id))

    def document(self, id, *, align, kind):
        if id != 1:
            return None
        return (
            f'<figure class="spip_document_{id} spip_documents_{align or "center"}">'
            f'<img src="/media/carte.png" alt=""></figure>'
        )


@pytest.fixture()
def dict_resolver() -> DictResolver:
    return DictResolver()


# CI runs a fixed, derandomised set of examples, so that a submission's result does not depend on
# the luck of the draw; developers' runs stay random and keep exploring (hypothesis' database
# replays anything they find).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    _hypothesis_settings.load_profile("ci")
