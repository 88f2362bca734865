"""Issue 15 (low): ``X-Cache`` told anyone whether a URL had been requested recently (HIT: somebody
asked for it within the cache's lifetime; MISS: nobody did).

It is now a setting, ``REDAC_X_CACHE_HEADER``: off unless asked for (production), on in the demo
(``make demo``) and the tests, where docs/scaling.md uses it to check nginx and the cache. Off, no
answer of the page cache says HIT or MISS, whatever its path through the cache (miss, hit, 304,
HEAD, a page not shareable)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler

from redac.delivery.tests import conftest as delivery_fixtures
from redac.delivery.wsgi import CachedApp

REPO = Path(__file__).resolve().parents[2]
page_cache = delivery_fixtures.page_cache  # an empty page cache for each test


def visitor_with(request, x_cache):
    request.getfixturevalue("page_cache")
    return delivery_fixtures.WsgiClient(CachedApp(WSGIHandler(), enabled=True, x_cache=x_cache))


def every_way_through_the_cache(visitor) -> list:
    first = visitor.get("/actualite/")  # miss, stored
    hit = visitor.get("/actualite/")
    gzip = visitor.get("/actualite/", headers={"Accept-Encoding": "gzip, br"})
    revalidated = visitor.get("/actualite/", headers={"If-None-Match": hit.header("etag")})
    head = visitor.head("/actualite/")
    private = visitor.get("/actualite/", query="q=1")  # not shareable: straight to Django
    missing = visitor.get("/nulle-part/")
    assert revalidated.status == 304 and hit.body == first.body
    return [first, hit, gzip, revalidated, head, private, missing]


def test_attack_x_cache_header_absent_when_the_setting_is_off(demo, request, settings):
    settings.REDAC_X_CACHE_HEADER = False
    visitor = visitor_with(request, None)  # as redac.delivery.wsgi builds it: from the setting
    for response in every_way_through_the_cache(visitor):
        assert "x-cache" not in response.headers, response.headers


def test_attack_x_cache_header_present_when_asked_for(demo, request, settings):
    settings.REDAC_X_CACHE_HEADER = True
    visitor = visitor_with(request, None)
    states = [r.header("x-cache") for r in every_way_through_the_cache(visitor)]
    assert states[:5] == ["MISS", "HIT", "HIT", "HIT", "HIT"]


@pytest.mark.slow  # runs redac in a subprocess
def test_attack_x_cache_header_off_in_production_on_in_the_demo(tmp_path):
    """The production settings, without the variable, do not send it; `make demo` asks for it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDAC_X_CACHE")}
    env.update(DJANGO_SETTINGS_MODULE="redac.settings", REDAC_DATA_DIR=str(tmp_path))
    code = "import django; django.setup(); from django.conf import settings; " \
           "print(settings.REDAC_X_CACHE_HEADER)"  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.stdout.strip() == "False", result.stderr
    demo_recipe = (REPO / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "REDAC_X_CACHE_HEADER=1" in demo_recipe
    assert "REDAC_X_CACHE_HEADER" in (REPO / "docs" / "configuration.md").read_text()
    assert "REDAC_X_CACHE_HEADER" in (REPO / "docs" / "scaling.md").read_text()


def test_attack_x_cache_header_nginx_says_static_only_when_told():
    """docs/deploy/nginx.conf adds « X-Cache: STATIC » only on the line docs/scaling.md tells
    the operator to uncomment while checking: by default nginx says nothing either."""
    conf = (REPO / "docs" / "deploy" / "nginx.conf").read_text()
    active = [line for line in conf.splitlines()
              if "X-Cache" in line and not line.strip().startswith("#")]  # fmt: skip
    assert active == []
    assert '# add_header X-Cache "STATIC" always;' in conf
