"""``<iframe>`` of known providers become click-to-load facades; every other iframe is removed."""

from __future__ import annotations

from urllib.parse import urlsplit

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redac.typo import propre, render, typo
from redac.typo.embeds import Embeds, providers_from_names, rewrite_iframes
from redac.typo.sanitize import clean
from tests.support.conformance import output_is_safe

EMBEDS = Embeds(
    providers_from_names(
        ["youtube", "vimeo", "dailymotion", "soundcloud", "openstreetmap", "peertube:tube.example"]
    )
)


def elements(fragment: str) -> list:
    tree = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    return [el for el in tree.iter() if isinstance(el.tag, str)][1:]


def facades(fragment: str) -> list:
    return [el for el in elements(fragment) if el.get("data-embed-src") is not None]


@pytest.mark.parametrize(
    ("src", "loaded_from", "page"),
    [
        ("https://www.youtube.com/embed/abc123?start=3", "https://www.youtube-nocookie.com/embed/abc123?start=3", "https://www.youtube.com/watch?v=abc123"),
        ("//www.youtube-nocookie.com/embed/abc123", "https://www.youtube-nocookie.com/embed/abc123", "https://www.youtube.com/watch?v=abc123"),
        ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871", "https://vimeo.com/76979871"),
        ("https://dailymotion.com/embed/video/x8abc", "https://www.dailymotion.com/embed/video/x8abc", "https://www.dailymotion.com/video/x8abc"),
        ("https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/1", "https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/1", None),
        ("https://www.openstreetmap.org/export/embed.html?bbox=2.3,48.8,2.4,48.9&layer=mapnik", "https://www.openstreetmap.org/export/embed.html?bbox=2.3,48.8,2.4,48.9&layer=mapnik", "https://www.openstreetmap.org/?bbox=2.3%2C48.8%2C2.4%2C48.9"),
        ("https://tube.example/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d", "https://tube.example/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d", "https://tube.example/w/9c9de5e8-0a1e-484a-b099-e80766180a6d"),
    ],
)  # fmt: skip
def test_an_iframe_of_a_listed_provider_becomes_a_facade(src, loaded_from, page):
    out = propre(
        f'Avant\n\n<iframe src="{src}" width="560" height="315"></iframe>\n\nAprès', embeds=EMBEDS
    )
    assert "<iframe" not in out
    (box,) = facades(out)
    assert box.get("data-embed-src") == loaded_from
    assert urlsplit(loaded_from).scheme == "https"
    (link,) = [el for el in box.iter() if el.tag == "a"]
    if page:
        assert link.get("href") == page
    assert output_is_safe(out) and clean(out) == out
    assert "Avant" in out and "Après" in out


def test_the_facade_names_the_provider_and_the_title_for_the_button_and_the_link():
    out = propre(
        '<iframe src="https://player.vimeo.com/video/1" title="Le « débat » &amp; co"></iframe>',
        embeds=EMBEDS,
    )
    (box,) = facades(out)
    assert box.get("data-embed-title") == "Le « débat » & co"
    assert box.get("data-embed-provider") == "Vimeo"
    assert box.get("data-embed-play") == "Lire «\u00a0Le « débat » & co\u00a0» (Vimeo)"
    assert "Le « débat » & co — Vimeo" in "".join(box.itertext())
    assert "avant que vous ne le demandiez" in "".join(box.itertext())


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/embed/x",
        "https://www.youtube.com/watch?v=abc",  # a page, not a player
        "https://www.youtube.com.evil.example/embed/x",
        "https://evil.example/?https://www.youtube.com/embed/x",
        "javascript:alert(1)//www.youtube.com/embed/x",
        "data:text/html,<script>alert(1)</script>",
        "https://user:pass@www.youtube.com/embed/x",
        "https://www.youtube.com:8443/embed/x",
        "ftp://www.youtube.com/embed/x",
        "https://peertube.other/videos/embed/x",
    ],
)
def test_other_iframes_are_removed(src):
    out = propre(f'<iframe src="{src}"></iframe> texte', embeds=EMBEDS)
    assert not facades(out) and "<iframe" not in out
    assert "texte" in out and output_is_safe(out)


def test_without_a_list_every_iframe_is_removed():
    out = propre('<iframe src="https://www.youtube.com/embed/abc"></iframe> texte')
    assert "<iframe" not in out and not facades(out)


def test_an_iframe_never_closed_takes_the_rest_of_the_text_as_browsers_do():
    out = propre('début <iframe src="https://player.vimeo.com/video/1"> la suite', embeds=EMBEDS)
    assert len(facades(out)) == 1 and "la suite" not in out and "début" in out


def test_iframes_in_code_are_shown_not_embedded():
    out = propre(
        '<code><iframe src="https://player.vimeo.com/video/1"></iframe></code>', embeds=EMBEDS
    )
    assert not facades(out) and "&lt;iframe" in out


def test_rich_text_iframes_become_facades_through_typo():
    """Rich text (Wagtail's embeds) goes through typo(): its oEmbed iframe becomes a facade."""
    html = (
        '<p>Voir :</p><div class="responsive-object"><iframe width="200" height="113" '
        'src="https://www.youtube.com/embed/abc?feature=oembed" title="Un titre" '
        "allowfullscreen></iframe></div>"
    )
    out = typo(html, embeds=EMBEDS)
    (box,) = facades(out)
    assert box.get("data-embed-title") == "Un titre" and "<iframe" not in out


def test_feeds_get_a_plain_link_instead_of_a_facade():
    links = Embeds(EMBEDS.providers, facade=False)
    out = propre(
        '<iframe src="https://player.vimeo.com/video/7" title="Débat"></iframe>', embeds=links
    )
    assert not facades(out)
    (link,) = [el for el in elements(out) if el.tag == "a"]
    assert link.get("href") == "https://vimeo.com/7" and "Débat" in link.text


def test_reader_comments_never_embed():
    out = render(
        '<iframe src="https://player.vimeo.com/video/1"></iframe>', trusted=False, embeds=EMBEDS
    ).html
    assert not facades(out) and "&lt;iframe" in out


def test_proportions_follow_the_iframe_size():
    four_three = propre(
        '<iframe src="https://player.vimeo.com/video/1" width="640" height="480"></iframe>',
        embeds=EMBEDS,
    )
    audio = propre(
        '<iframe src="https://w.soundcloud.com/player/?u=1" width="100%" height="166"></iframe>',
        embeds=EMBEDS,
    )
    assert "embed--4x3" in facades(four_three)[0].get("class")
    assert "embed--audio" in facades(audio)[0].get("class")


@pytest.mark.parametrize(
    "name", ["youtub", "peertube:", "peertube:not a host", "peertube:http://x/y"]
)
def test_a_misspelt_provider_is_refused_with_the_known_names(name):
    with pytest.raises(ValueError, match=repr(name)[1:-1][:6]):
        providers_from_names([name])


def test_frame_origins_are_those_iframes_are_built_for():
    origins = EMBEDS.frame_origins()
    assert (
        "https://www.youtube-nocookie.com" in origins and "https://www.youtube.com" not in origins
    )
    assert "https://tube.example" in origins and "https://dailymotion.com" not in origins


attribute_soup = st.lists(
    st.one_of(
        st.sampled_from(
            [' src="', "https://www.youtube.com/embed/x", "https://evil.example/", '"', "'",
             " title=", "<", ">", "&quot;", " onload=alert(1)", "javascript:", " width=640",
             " height=", "</iframe>", "<iframe", " ", "=", "//player.vimeo.com/video/1"]
        ),
        st.text(max_size=6),
    ),
    max_size=20,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(attribute_soup, st.text(max_size=20))
def test_any_iframe_soup_gives_safe_output_and_facades_only_for_listed_origins(attributes, after):
    out = propre(f"<iframe{attributes}>{after}", embeds=EMBEDS)
    assert output_is_safe(out)
    assert clean(out) == out
    origins = set(EMBEDS.frame_origins())
    for box in facades(out):
        parts = urlsplit(box.get("data-embed-src"))
        assert f"{parts.scheme}://{parts.netloc}" in origins


def test_the_scan_is_one_pass_over_many_iframes():
    text = '<iframe src="https://player.vimeo.com/video/1"></iframe>' * 2000 + "<iframe" * 2000
    found = []
    rewrite_iframes(text, EMBEDS, lambda fragment, **kw: found.append(fragment) or "")
    assert len(found) == 2000
