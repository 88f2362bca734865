"""What a reader sees: the six elements of the reference page on home and on a brève."""

import datetime as dt
import html as html_lib
import re

import pytest
from django.utils import timezone

from redac.flash.models import CampaignBanner, FlashItem
from redac.news.models import ArticlePage, BreveIndexPage, BrevePage, SectionPage

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).replace("’", "'")
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def test_home_shows_tagline_banner_ticker_and_contact_link(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert "association d'éducation populaire" in text
    assert 'class="campaign"' in html and "campagne" in text.lower()
    # one ticker line, its label once, its three items
    assert text.count("Flash :") == 1
    assert html.count('class="flash__item"') == 3
    assert html.count('class="flash__more"') == 3
    assert "Lire" in text
    assert 'class="contact-link" href="/contact/"' in html
    assert "Contactez-nous" in text


def test_breve_shows_breadcrumb_byline_date_and_visits(client, demo):
    breve = demo["breves"]["petition-guichets"]
    response = client.get(breve.url)
    assert response.status_code == 200
    html = response.content.decode()
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", crumbs) == ["Accueil", "Actualité", "Brèves"]
    text = text_of(response)
    assert "La rédaction" in text
    assert "842 visites" in text
    assert "byline__author--collective" in html
    local_date = timezone.localtime(breve.date)
    assert f"{local_date.day} " in text or "1er " in text
    assert f'data-page-id="{breve.pk}"' in html


def test_breve_links_to_previous_and_next_items(client, demo):
    breve = demo["breves"]["petition-guichets"]
    html = client.get(breve.url).content.decode()
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert demo["breves"]["assemblee-generale"].url in html
    assert demo["breves"]["permanence-samedi"].url in html


def _neighbours(breve):
    breve = BrevePage.objects.get(pk=breve.pk)
    return breve.previous_item(), breve.next_item()


def _in_listing_order(listing):
    return list(BrevePage.objects.child_of(listing).live().order_by("date", "pk"))


def test_previous_and_next_follow_the_listing_order_with_ties_broken_by_id(demo):
    listing = BreveIndexPage.objects.get(slug="breves")
    ordered = _in_listing_order(listing)
    same_date = ordered[1].date
    BrevePage.objects.filter(pk__in=[p.pk for p in ordered[1:4]]).update(date=same_date)
    ordered = _in_listing_order(listing)
    for index, breve in enumerate(ordered):
        previous, following = _neighbours(breve)
        assert previous == (ordered[index - 1] if index else None)
        assert following == (ordered[index + 1] if index + 1 < len(ordered) else None)


def test_neighbours_skip_drafts_private_items_and_other_listings(demo):
    from wagtail.models import PageViewRestriction

    listing = BreveIndexPage.objects.get(slug="breves")
    first, second, third, fourth = _in_listing_order(listing)[:4]
    second.unpublish()
    PageViewRestriction.objects.create(page=third, restriction_type=PageViewRestriction.LOGIN)
    assert _neighbours(first)[1] == fourth
    assert _neighbours(fourth)[0] == first
    elsewhere = listing.get_parent().add_child(
        instance=BreveIndexPage(title="Autres brèves", slug="autres-breves")
    )
    lonely = elsewhere.add_child(
        instance=BrevePage(title="Seule ici", slug="seule", date=first.date)
    )
    assert _neighbours(lonely) == (None, None)


def test_a_preview_shows_the_drafts_byline_and_keywords_not_the_live_ones(demo):
    from redac.news.models import Author, BreveAuthor, Keyword

    breve = BrevePage.objects.get(slug="petition-guichets")
    live_authors, live_keywords = breve.authors, breve.keyword_list
    other_author = Author.objects.exclude(pk__in=[a.pk for a in live_authors]).first()
    other_keyword = Keyword.objects.exclude(pk__in=[k.pk for k in live_keywords]).first()
    draft = BrevePage.objects.get(pk=breve.pk)
    draft.author_links = [BreveAuthor(author=other_author)]  # in memory, as the editor's form
    draft.keywords = [other_keyword]
    draft.save_revision()  # not published: readers keep the live byline and keywords
    preview = BrevePage.objects.get(pk=breve.pk).get_latest_revision_as_object()
    assert preview.authors == [other_author] and preview.keyword_list == [other_keyword]
    live = BrevePage.objects.get(pk=breve.pk)
    assert live.authors == live_authors and live.keyword_list == live_keywords


def test_breve_shows_its_keywords_with_links(client, demo):
    html = client.get(demo["breves"]["petition-guichets"].url).content.decode()
    assert 'rel="tag"' in html and "/mots/transports/" in html


def test_article_shows_surtitre_chapo_authors_in_order_and_notes(client, demo):
    article = ArticlePage.objects.get(slug="gares-de-proximite")
    response = client.get(article.url)
    text = text_of(response)
    assert "Transports" in text and "Trois mois d" in text
    assert text.index("Claire Fontaine") < text.index("La rédaction")
    assert "Claire Fontaine et La rédaction" in text
    assert "1 287 visites" in text


def test_expired_flash_items_and_drafts_are_hidden(client, demo):
    FlashItem.objects.update(expire_at=timezone.now() - dt.timedelta(minutes=1))
    draft = FlashItem.objects.create(title="Brouillon secret", live=False)
    response = client.get("/")
    assert "Flash :" not in text_of(response)
    assert draft.title not in text_of(response)


def test_flash_items_are_newest_first(client, demo):
    html = client.get("/").content.decode()
    titles = re.findall(r'<span class="flash__title">([^<]+)</span>', html)
    items = FlashItem.objects.visible().order_by("-date")
    assert [t.replace("\u00a0", " ") for t in titles] == [
        i.title.replace("\u00a0", " ") for i in items
    ] or len(titles) == items.count()
    dates = list(items.values_list("date", flat=True))
    assert dates == sorted(dates, reverse=True)


def test_campaign_banner_only_during_its_period(client, demo):
    CampaignBanner.objects.update(ends_at=timezone.now() - dt.timedelta(days=1),
                                  starts_at=timezone.now() - dt.timedelta(days=10))  # fmt: skip
    assert 'class="campaign"' not in client.get("/").content.decode()


def test_draft_breve_is_404_and_absent_from_listings(client, demo):
    listing = BreveIndexPage.objects.get()
    draft = BrevePage(title="Brève en préparation", slug="en-preparation", live=False)
    listing.add_child(instance=draft)
    assert client.get("/actualite/breves/en-preparation/").status_code == 404
    assert "Brève en préparation" not in client.get(listing.url).content.decode()
    assert "Brève en préparation" not in client.get("/").content.decode()


@pytest.mark.parametrize("page", ["-1", "0", "abc", "99999999", "", "1.5", "%00", "1" * 400])
def test_bad_page_parameter_never_errors(client, demo, page):
    section = SectionPage.objects.get(slug="actualite")
    for url in (section.url, BreveIndexPage.objects.get().url):
        response = client.get(url, {"page": page})
        assert response.status_code == 200


def test_section_lists_subsections_and_paginates(client, demo):
    section = SectionPage.objects.get(slug="actualite")
    for n in range(15):
        section.add_child(instance=ArticlePage(title=f"Article {n}", slug=f"article-{n}"))
    first = client.get(section.url).content.decode()
    assert "International" in first and "Brèves" in first
    assert "Page 1 sur 2" in first
    second = client.get(section.url, {"page": "2"}).content.decode()
    assert "Page 2 sur 2" in second


def test_a_section_lists_only_the_subsections_and_listings_readers_may_see(client, demo):
    from wagtail.models import PageViewRestriction

    def listed():
        html = client.get("/actualite/").content.decode()
        return re.findall(
            r"<li><a href=\"([^\"]+)\">", html.split('class="subsections"')[1].split("</nav>")[0]
        )

    assert listed() == ["/actualite/international/", "/actualite/breves/"]
    international = SectionPage.objects.get(slug="international")
    PageViewRestriction.objects.create(
        page=international, restriction_type=PageViewRestriction.LOGIN
    )
    assert listed() == ["/actualite/breves/"]
    SectionPage.objects.get(slug="actualite").add_child(
        instance=SectionPage(title="Europe", slug="europe")
    )
    assert listed() == ["/actualite/europe/", "/actualite/breves/"]
    BreveIndexPage.objects.get(slug="breves").unpublish()
    assert listed() == ["/actualite/europe/"]


def test_unknown_url_gets_a_styled_french_404(client, demo):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html and "Contactez-nous" in html
    assert "Traceback" not in html


def test_author_page_lists_their_items_and_never_a_login(client, demo):
    response = client.get("/auteurs/la-redaction/")
    assert response.status_code == 200
    assert "Pétition pour les guichets" in text_of(response)
    assert client.get("/auteurs/admin/").status_code == 404


def test_keyword_page_lists_tagged_items(client, demo):
    response = client.get("/mots/transports/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Les gares de proximité" in text and "Tarifs des transports" in text


def test_home_lists_latest_articles_and_breves(client, demo):
    text = text_of(client.get("/"))
    assert "Les gares de proximité ne sont pas un luxe" in text
    assert "Permanence logement" in text


def test_home_lists_only_what_readers_may_see_newest_first(client, demo):
    from wagtail.models import PageViewRestriction

    def card_titles():
        html = client.get("/").content.decode()
        articles = html.split('class="home__articles"')[1].split("</section>")[0]
        titles = re.findall(r'class="card__title"><a[^>]*>([^<]+)<', articles)
        return [re.sub(r"[\s\u00a0\u202f]+", " ", html_lib.unescape(t)).replace("’", "'")
                for t in titles]  # fmt: skip

    newest = list(ArticlePage.objects.live().order_by("-date")[:8])
    assert card_titles() == [a.title for a in newest]
    private, draft = newest[0], newest[1]
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    draft.unpublish()
    assert card_titles() == [a.title for a in newest[2:]]


def test_public_pages_carry_no_inline_script(client, demo):
    for url in ("/", "/actualite/", demo["breves"]["petition-guichets"].url, "/contact/"):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            # JSON data blocks (JSON-LD) are never executed, so the CSP allows them (issue 7).
            is_data = re.search(r'type="application/(ld\+)?json"', tag)
            assert "src=" in tag or is_data, f"inline script on {url}"
        assert " style=" not in html
        assert re.search(r"\son[a-z]+=", html) is None
