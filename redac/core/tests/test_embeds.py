"""Embedded players and maps: one configurable list of providers for SPIP text, the rich-text
editor, the « Vidéo ou son » block and the CSP's frame-src; readers get click-to-load facades."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import html5lib
import pytest
from django.core.management import call_command

from redac.core.embeds import KnownProvidersFinder, frame_origins
from redac.core.middleware import PUBLIC_CSP, public_csp
from redac.news.models import BreveIndexPage, BrevePage

pytestmark = pytest.mark.django_db

OSM = "https://www.openstreetmap.org/#map=13/48.85660/2.35220"


def publish_breve(body, slug="embed-test"):
    listing = BreveIndexPage.objects.get()
    breve = BrevePage(title="Avec une vidéo", slug=slug, body=body)
    listing.add_child(instance=breve)
    breve.save_revision().publish()
    return breve


def facades(html: str) -> list:
    tree = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return [el for el in tree.iter() if isinstance(el.tag, str) and el.get("data-embed-src")]


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach another host fails the test (the facade needs nobody)."""
    real_connect = socket.socket.connect

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("/"):
            raise AssertionError(f"a request left for {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


def test_the_csp_frames_exactly_the_listed_providers(client, demo):
    csp = client.get("/")["Content-Security-Policy"]
    assert csp == PUBLIC_CSP
    frame_src = next(part for part in csp.split("; ") if part.startswith("frame-src"))
    assert frame_src.split()[1:] == list(frame_origins())
    assert "https://www.youtube-nocookie.com" in frame_src and "www.youtube.com" not in frame_src


def test_the_csp_of_a_site_listing_a_peertube_instance_frames_it_and_nothing_else():
    csp = public_csp(("https://video.example.org",))
    assert "frame-src https://video.example.org;" in csp
    assert "frame-src 'none'" in public_csp(())


def test_redac_csp_prints_what_pages_are_served_with(capsys, client, demo):
    call_command("csp")
    assert capsys.readouterr().out.strip() == client.get("/")["Content-Security-Policy"]


def test_a_misspelt_provider_stops_the_program_with_the_known_names(tmp_path):
    env = {**os.environ, "REDAC_EMBED_PROVIDERS": "youtube,dailymotoin",
           "REDAC_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "redac.settings"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "redac.cli", "csp"], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "REDAC_EMBED_PROVIDERS" in result.stderr and "dailymotoin" in result.stderr
    assert "openstreetmap" in result.stderr  # the names it knows


def test_an_iframe_in_spip_text_is_a_facade_and_the_page_loads_nothing_from_the_provider(
    client, demo
):
    breve = publish_breve(
        [("spip", 'La séance :\n\n<iframe width="560" height="315" '
                  'src="https://www.youtube.com/embed/abc123" title="Conseil municipal" '
                  'allowfullscreen></iframe>\n\n<iframe src="https://evil.example/x"></iframe>')]
    )  # fmt: skip
    html = client.get(breve.url).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    (box,) = facades(main)
    assert box.get("data-embed-src") == "https://www.youtube-nocookie.com/embed/abc123"
    assert box.get("data-embed-title") == "Conseil municipal"
    assert "<iframe" not in html and "evil.example" not in main
    assert "https://www.youtube.com/watch?v=abc123" in html  # the link readers without script get
    assert 'src="/static/redac/js/embeds' in html and "data-origins=" in html


def test_an_openstreetmap_address_in_the_embed_block_is_a_facade_without_any_request(
    client, demo, no_network
):
    breve = publish_breve([("embed", OSM)], slug="carte")
    html = client.get(breve.url).content.decode()
    (box,) = facades(html)
    src = box.get("data-embed-src")
    assert src.startswith("https://www.openstreetmap.org/export/embed.html?bbox=")
    west, south, east, north = map(float, src.split("bbox=")[1].split("&")[0].split(","))
    assert west < 2.3522 < east and south < 48.8566 < north  # the map the editor looked at
    assert "embed--map" in box.get("class") and "<iframe" not in html


def test_a_peertube_video_in_rich_text_is_a_facade(client, demo, settings, no_network):
    settings.REDAC_EMBED_PROVIDERS = ["youtube", "peertube:video.example.org"]
    from wagtail.rich_text import RichText  # noqa: F401 (the block stores DB-format HTML)

    url = "https://video.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv"
    breve = publish_breve(
        [("paragraph", f'<p>Regardez :</p><embed embedtype="media" url="{url}"/>')], slug="pt"
    )
    html = client.get(breve.url).content.decode()
    (box,) = facades(html)
    assert box.get("data-embed-src") == (
        "https://video.example.org/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv"
    )
    assert "PeerTube" in box.get("data-embed-provider")


def test_the_local_finder_knows_only_the_listed_providers(settings):
    finder = KnownProvidersFinder()
    assert finder.accept(OSM)
    assert not finder.accept("https://video.example.org/w/abc")
    settings.REDAC_EMBED_PROVIDERS = ["peertube:video.example.org"]
    assert finder.accept("https://video.example.org/w/abc") and not finder.accept(OSM)
    assert not finder.accept("https://video.example.org/admin")


def test_an_english_brève_gets_english_facade_words(client, demo):
    breve = publish_breve(
        [("spip", '<iframe src="https://player.vimeo.com/video/7" title="Debate"></iframe>')],
        slug="english",
    )
    breve.lang = "en"
    breve.save_revision().publish()
    html = client.get(breve.url).content.decode()
    (box,) = facades(html)
    assert box.get("data-embed-play") == "Play “Debate” (Vimeo)"
    assert "Watch on Vimeo" not in html  # the facade's link names the title and the provider
    assert "Hosted by Vimeo" in html
