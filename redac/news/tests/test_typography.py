"""Every published French text gets the typography: titles, rich text and SPIP text alike, and
nothing typed by an editor becomes markup outside the allow-list."""

import pytest

from redac.news.models import BreveIndexPage, BrevePage

pytestmark = pytest.mark.django_db


def publish_breve(title, body):
    listing = BreveIndexPage.objects.get()
    breve = BrevePage(title=title, slug="typo-test", body=body)
    listing.add_child(instance=breve)
    breve.save_revision().publish()
    return breve


def test_titles_get_french_spaces_and_curly_apostrophes(client, demo):
    breve = publish_breve("L'appel : « Venez ! »", [])
    html = client.get(breve.url).content.decode()
    assert "L’appel&nbsp;: «&nbsp;Venez&nbsp;!&nbsp;»" in html


def test_the_browser_tab_title_gets_the_typography_of_the_pages_language(client, demo):
    french = publish_breve("L'appel : « Venez ! »", [])
    html = client.get(french.url).content.decode()
    title = html[html.index("<title>") : html.index("</title>")]
    assert title.startswith("<title>L’appel&nbsp;: «&nbsp;Venez&nbsp;!&nbsp;» — L’Horizon commun")
    english = BrevePage.objects.get(pk=french.pk)
    english.title, english.lang = "The call: come!", "en"
    english.save_revision().publish()
    html = client.get(english.url).content.decode()
    assert "<title>The call: come! — L’Horizon commun</title>" in html
    html = client.get("/actualite/").content.decode()  # a section has no language of its own
    assert "<title>Actualité — L’Horizon commun</title>" in html


def test_rich_text_paragraphs_get_the_typography_too(client, demo):
    breve = publish_breve(
        "Riche",
        [("paragraph", '<p>Le <b>vote</b> : oui ! <a href="https://example.org/a:b">lien</a></p>')],
    )
    html = client.get(breve.url).content.decode()
    assert "<b>vote</b>&nbsp;: oui&nbsp;!" in html
    assert 'href="https://example.org/a:b"' in html


def test_spip_text_blocks_are_rendered_by_the_engine(client, demo):
    breve = publish_breve("SPIP", [("spip", "Un {{texte}} avec une note[[La note.]] : voilà.")])
    html = client.get(breve.url).content.decode()
    assert "<strong>texte</strong>" in html
    assert "&nbsp;: voilà" in html


def test_case_59_markup_in_a_title_is_escaped_everywhere(client, demo):
    breve = publish_breve('<img src=x onerror=alert(1)> "x"', [])
    for url in (breve.url, "/", BreveIndexPage.objects.get().url):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
