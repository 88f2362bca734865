"""Issue 16, « Rédacteur writes an article », server side: every account signs with its own
author (made with the account, named from the person, never the login), preselected on a new
text and editable by its owner; « Nouvel article » on the dashboard; a rédacteur is offered only
the page types that are hers to create; keywords as checkboxes grouped by keyword group; the
live preview shows the notes; a new article with only a title and SPIP text saves at once."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from tests.support.personas import PASSWORD, login

pytestmark = pytest.mark.django_db


def _redactrice(name="rita", first="Rita", last="Lopez"):
    from redac.newsroom import roles

    user = User.objects.create_user(name, f"{name}@example.org", PASSWORD, first_name=first,
                                    last_name=last)  # fmt: skip
    user.groups.add(Group.objects.get(name=roles.REDACTEUR))
    return user


# --- An author with every account ------------------------------------------------------------


def _invite(webmestre, username, first="", last=""):
    from redac.newsroom import roles

    return webmestre.post(reverse("wagtailusers_users:add"), {
        "username": username, "email": f"{username}@example.org", "first_name": first,
        "last_name": last, "groups": [Group.objects.get(name=roles.REDACTEUR).pk],
    })  # fmt: skip


def test_an_account_comes_with_its_author_named_from_the_person_never_the_login(
    personas,
):
    from redac.news.models import Author

    webmestre = login(Client(), personas["webmestre"])
    assert _invite(webmestre, "rlopez42", "Rita", "Lopez").status_code == 302
    user = User.objects.get(username="rlopez42")
    author = Author.objects.get(user=user)
    assert author.name == "Rita Lopez"
    assert author.kind == Author.Kind.PERSON
    assert "rlopez42" not in author.slug and author.slug == "rita-lopez"


def test_an_account_without_a_name_gets_its_author_when_the_name_is_typed(personas):
    from redac.news.models import Author
    from redac.newsroom import roles, services

    # an account made without a name (the newsroom's form asks for one; code may not)
    user = User.objects.create_user("sans-nom", "sans-nom@example.org")
    user.groups.add(Group.objects.get(name=roles.REDACTEUR))
    assert services.account_author(user) is None  # never named from the login
    assert not Author.objects.filter(user=user).exists()
    webmestre = login(Client(), personas["webmestre"])
    edit = reverse("wagtailusers_users:edit", args=[user.pk])
    form = {"username": "sans-nom", "email": "sans-nom@example.org", "first_name": "Aïcha",
            "last_name": "Benali", "is_active": "on",
            "groups": [g.pk for g in user.groups.all()]}  # fmt: skip
    assert webmestre.post(edit, form).status_code == 302
    assert Author.objects.get(user=user).name == "Aïcha Benali"
    # a later change of the account's name leaves the byline as its owner set it
    assert webmestre.post(edit, {**form, "first_name": "Aïcha-Maria"}).status_code == 302
    assert [a.name for a in Author.objects.filter(user=user)] == ["Aïcha Benali"]


def test_an_account_made_elsewhere_gets_its_author_when_its_owner_first_writes(demo):
    from redac.news.models import Author, SectionPage

    user = _redactrice()  # made in code (a shell, a test), not on the newsroom's screens
    section = SectionPage.objects.get(slug="actualite")
    login(Client(), user).get(reverse("wagtailadmin_pages:add",
                                      args=["news", "articlepage", section.pk]))  # fmt: skip
    assert Author.objects.get(user=user).name == "Rita Lopez"


def test_an_imported_account_keeps_the_byline_linked_to_it(demo):
    """The SPIP import links its (inactive) accounts to the authors it imports: no second byline
    is made for them when they are activated or write."""
    from redac.news.models import Author
    from redac.newsroom import services

    user = User.objects.create_user("importe", "importe@example.org", first_name="Jean",
                                    last_name="Dupont", is_active=False)  # fmt: skip
    imported = Author.objects.create(name="Jean Dupont", import_ref="spip:auteur:7", user=user)
    user.is_active = True
    user.save()
    assert services.account_author(user) == imported
    assert list(Author.objects.filter(user=user)) == [imported]
    assert imported.slug == "jean-dupont"


def test_a_new_article_opens_signed_by_its_writer(demo):
    from redac.news.models import SectionPage

    user = _redactrice()
    section = SectionPage.objects.get(slug="actualite")
    client = login(Client(), user)
    html = client.get(reverse("wagtailadmin_pages:add", args=["news", "articlepage",
                                                               section.pk])).content.decode()  # fmt: skip
    author_pk = user.author.pk
    # the byline's inline form holds the writer's author, chosen
    assert re.search(rf'name="author_links-0-author"[^>]*value="{author_pk}"', html) or re.search(
        rf'value="{author_pk}"[^>]*name="author_links-0-author"', html
    ), "the new article's byline is not preselected"
    assert 'name="author_links-TOTAL_FORMS" value="1"' in html or re.search(
        r'name="author_links-TOTAL_FORMS"[^>]*value="1"', html
    )


def test_a_redactrice_edits_her_own_byline_and_no_other(demo):
    from redac.news.models import Author

    user = _redactrice()
    other = Author.objects.exclude(user=user).first()
    client = login(Client(), user)
    url = reverse("newsroom_own_author")
    page = client.get(url)
    assert page.status_code == 200 and "Rita Lopez" in page.content.decode()
    response = client.post(url, {"name": "Rita López", "bio": "Suit le logement.",
                                 "website": "", "photo": ""})  # fmt: skip
    assert response.status_code == 302
    user.author.refresh_from_db()
    assert (user.author.name, user.author.bio) == ("Rita López", "Suit le logement.")
    # the form edits the account's own byline whatever is posted: there is no id to change
    before = (other.name, other.bio)
    client.post(url + f"?id={other.pk}", {"name": "Piraté", "bio": "", "website": "",
                                          "photo": ""})  # fmt: skip
    other.refresh_from_db()
    assert (other.name, other.bio) == before
    # and Wagtail's author editor stays the administrators'
    assert client.get(f"/admin/snippets/news/author/edit/{other.pk}/").status_code in (302, 403)


def test_the_own_byline_screen_is_for_people_of_the_newsroom_only(demo, personas):
    url = reverse("newsroom_own_author")
    assert Client().get(url).status_code == 302  # anonymous: to the login
    outsider = login(Client(), personas["outsider"])
    assert outsider.get(url).status_code in (302, 403)


# --- The dashboard and the page types -----------------------------------------------------------


def test_the_dashboard_offers_a_new_article_in_the_sections_she_writes_in(demo):
    from redac.news.models import SectionPage

    client = login(Client(), _redactrice())
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Nouvel article" in home and reverse("newsroom_new_article") in home
    choice = client.get(reverse("newsroom_new_article"))
    assert choice.status_code == 200
    html = choice.content.decode()
    for section in SectionPage.objects.live():
        assert reverse("wagtailadmin_pages:add", args=["news", "articlepage", section.pk]) in html


def test_a_redactrice_in_one_section_goes_straight_to_the_form(demo):
    from redac.news.models import SectionPage
    from redac.newsroom import services

    user = _redactrice()
    section = SectionPage.objects.get(slug="culture")
    services.set_redacteur_sections(user, [section])
    client = login(Client(), user)
    response = client.get(reverse("newsroom_new_article"))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:add",
                                           args=["news", "articlepage", section.pk])  # fmt: skip


def test_a_redactrice_is_offered_only_articles_breves_and_events(demo, personas):
    from redac.news.models import HomePage, SectionPage

    people = personas
    section = SectionPage.objects.get(slug="actualite")
    client = login(Client(), people["redacteur"])
    chooser = client.get(reverse("wagtailadmin_pages:add_subpage", args=[section.pk]))
    # under a section, « article » and « évènement » (issue 21) are hers, nothing else
    assert chooser.status_code == 200
    offered = set(re.findall(r"/admin/pages/add/(\w+/\w+)/", chooser.content.decode()))
    assert offered == {"news/articlepage", "agenda/eventpage"}
    for app, model in (("news", "sectionpage"), ("news", "breveindexpage"),
                       ("agenda", "agendapage")):  # fmt: skip
        url = reverse("wagtailadmin_pages:add", args=[app, model, section.pk])
        assert _refused(client.get(url))
        assert _refused(client.post(url, {"title": "Nouvelle rubrique", "slug": "nouvelle"}))
    assert not SectionPage.objects.filter(title="Nouvelle rubrique").exists()
    home = HomePage.objects.get()
    assert _refused(client.get(reverse("wagtailadmin_pages:add_subpage", args=[home.pk])))
    assert _refused(client.get(reverse("wagtailadmin_pages:add", args=["news", "standardpage",
                                                                       home.pk])))  # fmt: skip


def test_administrators_still_build_the_structure(demo, personas):
    from redac.news.models import SectionPage

    people = personas
    section = SectionPage.objects.get(slug="actualite")
    admin = login(Client(), people["administrateur"])
    html = admin.get(reverse("wagtailadmin_pages:add_subpage", args=[section.pk])).content.decode()
    assert "rubrique" in html.lower() and "liste de brèves" in html.lower()
    assert admin.get(reverse("wagtailadmin_pages:add", args=["news", "sectionpage",
                                                             section.pk])).status_code == 200  # fmt: skip
    restricted = login(Client(), people["restricted"])
    assert restricted.get(reverse("wagtailadmin_pages:add", args=["news", "sectionpage",
                                                                  section.pk])).status_code == 200  # fmt: skip
    other = people["section_b"]
    assert _refused(restricted.get(reverse("wagtailadmin_pages:add", args=["news", "sectionpage",
                                                                           other.pk])))  # fmt: skip


def test_a_redactrice_cannot_copy_a_section(demo, personas):
    people = personas
    client = login(Client(), people["redacteur"])
    assert _refused(client.get(reverse("wagtailadmin_pages:copy", args=[people["section_b"].pk])))


# --- Keywords, preview, first save -------------------------------------------------------------


def test_keywords_are_checkboxes_grouped_by_their_group(demo):
    from redac.news.models import Keyword, SectionPage

    section = SectionPage.objects.get(slug="actualite")
    client = login(Client(), _redactrice())
    html = client.get(reverse("wagtailadmin_pages:add", args=["news", "articlepage",
                                                               section.pk])).content.decode()  # fmt: skip
    assert not re.search(r'<select[^>]*name="keywords"', html)
    for group in ("Thèmes", "Pays"):
        assert re.search(rf"<legend>\s*{group}\s*</legend>", html), group
    keyword = Keyword.objects.get(name="Logement")
    assert re.search(rf'type="checkbox" name="keywords" value="{keyword.pk}"', html)


def test_the_live_preview_shows_lists_notes_and_images(demo):
    from wagtail.images import get_image_model

    from redac.news.numbers import number_of

    client = login(Client(), _redactrice())
    image = get_image_model().objects.first()
    text = "-* un\n-* deux\n\nUne phrase[[Une note.]].\n\n"
    if image is not None:
        text += f"<img{number_of(image)}|center>"
    html = client.post(reverse("newsroom_spip_preview"), {"text": text}).json()["html"]
    assert re.search(r"<ul[^>]*>\s*<li", html)
    assert "Une note." in html and 'class="notes spip-notes"' in html
    if image is not None:
        assert "<img" in html


def test_a_new_article_with_a_title_and_spip_text_saves_at_the_first_click(demo):
    from redac.news.models import ArticlePage, SectionPage

    user = _redactrice()
    section = SectionPage.objects.get(slug="actualite")
    client = login(Client(), user)
    url = reverse("wagtailadmin_pages:add", args=["news", "articlepage", section.pk])
    form = client.get(url).content.decode()
    data = _form_data(form)
    data.update({"title": "Réunion publique sur les élections", "body-count": "1",
                 "body-0-type": "spip", "body-0-value": "Salle des fêtes, {{jeudi}}.",
                 "body-0-deleted": "", "body-0-order": "0", "body-0-id": ""})  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)
    page = ArticlePage.objects.get(title="Réunion publique sur les élections")
    assert page.slug == "reunion-publique-sur-les-elections"
    assert [link.author for link in page.author_links.all()] == [user.author]


def _refused(response) -> bool:
    """Wagtail's admin answers a refused permission by sending back to the dashboard with a
    message (a 403 from views outside its wrapper)."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def _form_data(html: str) -> dict:
    """The values a browser would send for the form's inputs as served (hidden management
    fields, preselected byline…)."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'\sname="([^"]+)"', tag)
        if not name or re.search(r'type="(checkbox|radio|submit|file)"', tag):
            continue
        value = re.search(r'\svalue="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        if chosen:
            data[name] = chosen.group(1)
    for name, body in re.findall(r'<textarea[^>]*\sname="([^"]+)"[^>]*>(.*?)</textarea>', html,
                                 re.S):  # fmt: skip
        data[name] = body.strip()
    data.pop("csrfmiddlewaretoken", None)
    return data


def _errors(response) -> str:
    html = response.content.decode()
    form = response.context["form"] if response.context else None
    return repr(form.errors if form is not None else html[:2000])
