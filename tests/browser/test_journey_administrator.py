"""Issue 16, « Administrator publishes », in a real browser on a fresh demo, as a person clicks: a
rédactrice has proposed an article; the administrator reviews it, schedules it where the guide
says (« Programmer »), publishes it with the one « Publier » of the menu; the article goes live by
itself at the time chosen, dated that time on the site and in the feed; the rédactrice's mail
greets her in French, links to the site's address and comes in the site's name; the statistics'
day axis is readable. axe-core checks each admin page visited."""

from __future__ import annotations

import datetime as dt
import re
import time
import urllib.request
from zoneinfo import ZoneInfo

import feedparser
import pytest

from tests.support.browser import fresh_totp

pytestmark = pytest.mark.browser

PARIS = ZoneInfo("Europe/Paris")
TITLE = "Réunion publique sur les élections"
RITA = "rita@journal.example.org"

SETUP = f"""
from django.contrib.auth.models import Group, User
from redac.news.models import ArticlePage, SectionPage
from redac.newsroom import roles
rita = User.objects.create_user("rita", "{RITA}", "Un-mot-de-passe-bien-long-2026",
                                first_name="Rita", last_name="Lopez")
rita.groups.add(Group.objects.get(name=roles.REDACTEUR))
section = SectionPage.objects.get(slug="actualite")
article = ArticlePage(title="{TITLE}", slug="reunion-publique-sur-les-elections", owner=rita,
                      live=False, body=[("spip", "Salle des fêtes, {{{{jeudi à 20 h}}}}.")])
section.add_child(instance=article)
article.save_revision(user=rita)
article.get_workflow().start(article, rita)
print(article.pk)
"""


def log_in_with_two_factor(page, demo_server, shots, axe):
    page.goto(demo_server.url + "/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(demo_server.username)
    page.locator("input[name=password]").fill(demo_server.password)
    page.get_by_role("button", name="S'identifier").click()
    page.wait_for_load_state()
    secret = page.locator(".newsroom-2fa__secret").inner_text()
    page.get_by_label(re.compile("Code", re.I)).fill(fresh_totp(secret))
    page.get_by_role("button", name="Activer").click()
    page.wait_for_load_state()
    shots(page, "tableau-de-bord")
    axe(page, "tableau-de-bord")


def axis_labels_overlap(page) -> list[str]:
    """Pairs of neighbouring labels under a chart's axis whose boxes meet, as drawn."""
    return page.evaluate(
        """() => {
            const clashes = [];
            for (const svg of document.querySelectorAll('svg.visits-chart')) {
                const boxes = [...svg.querySelectorAll('text[text-anchor=middle]')]
                    .map(t => [t.getBoundingClientRect(), t.textContent]);
                for (let i = 1; i < boxes.length; i++) {
                    if (boxes[i][0].left < boxes[i - 1][0].right)
                        clashes.push(boxes[i - 1][1] + ' / ' + boxes[i][1]);
                }
            }
            return clashes;
        }"""
    )


def test_administrator_reviews_schedules_and_publishes(demo_server, desktop, shots, axe):
    base, page = demo_server.url, desktop
    article_id = int(demo_server.shell(SETUP).splitlines()[-1])
    site_name = demo_server.shell(
        "from wagtail.models import Site\nfrom redac.core.models import SiteIdentity\n"
        "print(SiteIdentity.for_site(Site.objects.get(is_default_site=True)).name)"
    )

    log_in_with_two_factor(page, demo_server, shots, axe)

    # --- The proposal, from the dashboard -----------------------------------------------------
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_load_state()
    assert f"/admin/pages/{article_id}/edit/" in page.url
    shots(page, "proposition")
    axe(page, "editeur")

    # --- Schedule it where the guide says -------------------------------------------------------
    # Far enough ahead for the review below to end before it, on a busy test machine.
    go_live = (dt.datetime.now(PARIS) + dt.timedelta(minutes=6)).replace(second=0, microsecond=0)
    # docs/editors.md: « le panneau Statut (bouton ⓘ en haut à droite), puis Programmer ».
    page.get_by_role("button", name="Afficher/masquer le statut").click()
    page.get_by_role("button", name="Programmer").first.click()
    dialog = page.locator("#schedule-publishing-dialog")
    dialog.get_by_label(re.compile("date/heure de publication", re.I)).fill(
        go_live.strftime("%d/%m/%Y %H:%M")
    )
    shots(page, "programmer")
    axe(page, "programmer")
    # The date picker, open under the typed date, does not cover the button that saves it.
    save_schedule = dialog.get_by_role("button", name="Enregistrer la programmation")
    assert save_schedule.evaluate(
        """button => { const r = button.getBoundingClientRect();
                       const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                       return button === hit || button.contains(hit); }"""
    )
    # « Enregistrer la programmation » sends the editor's form with the schedule: wait for that
    # page load (not the current one) before opening the editor again, whose side panel shows it.
    # Done with the date: the picker folds away (here on a click elsewhere in the dialog; a
    # person's first click on the button does the same) and the button stays under the pointer.
    aimed_at = save_schedule.bounding_box()
    dialog.locator("h2, h1").first.click()
    dialog.locator(".xdsoft_datetimepicker").first.wait_for(state="hidden", timeout=10_000)
    landed = save_schedule.bounding_box()
    assert abs(landed["y"] - aimed_at["y"]) < 1 and abs(landed["x"] - aimed_at["x"]) < 1, (
        aimed_at, landed)  # fmt: skip
    with page.expect_response(
        lambda response: response.request.method == "POST" and "/edit/" in response.url,
        timeout=90_000,
    ):
        save_schedule.click()
    page.goto(f"{base}/admin/pages/{article_id}/edit/")
    page.get_by_role("button", name="Afficher/masquer le statut").click()
    assert "Publication" in page.locator(".w-side-panel, [data-side-panel]").first.inner_text()

    # « Publier » once in the action menu, with newsroom words only.
    page.locator("footer .w-dropdown__toggle").first.click()
    actions = page.locator("footer [role=menu] button, footer [role=menu] a, footer .w-dropdown "
                           "button, footer .w-dropdown a").all_inner_texts()  # fmt: skip
    labels = [" ".join(text.split()) for text in actions if text.strip()]
    assert sum(label == "Publier" for label in labels) == 1, labels
    assert not any("workflow" in label.lower() for label in labels), labels
    shots(page, "menu-actions")
    with page.expect_navigation():
        page.locator("footer [data-workflow-action-name=approve]").first.click()
    shots(page, "programme")
    assert (
        demo_server.shell(
            f"from wagtail.models import Page\nprint(Page.objects.get(pk={article_id}).live)"
        )
        == "False"
    )

    # --- It goes live by itself at the chosen time ------------------------------------------------
    url = base + "/actualite/reunion-publique-sur-les-elections/"
    deadline = time.monotonic() + 720
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        assert time.monotonic() < deadline, "the scheduled article never went live"
        time.sleep(3)
    reader = page.context.browser.new_page(locale="fr-FR")
    reader.goto(url)
    stamp = dt.datetime.fromisoformat(reader.locator("time.byline__date").get_attribute("datetime"))
    assert go_live <= stamp <= go_live + dt.timedelta(seconds=90)
    day = f"{go_live.day if go_live.day > 1 else '1er'}"
    assert reader.locator("time.byline__date").inner_text().startswith(f"{day}\u00a0") or \
        reader.locator("time.byline__date").inner_text().startswith(f"{day} ")  # fmt: skip
    shots(reader, "article-en-ligne")
    reader.close()
    with urllib.request.urlopen(base + "/feeds/rss/", timeout=10) as response:
        feed = feedparser.parse(response.read())
    entry = next(entry for entry in feed.entries if entry.title == TITLE)
    published = dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC)
    assert go_live <= published <= go_live + dt.timedelta(seconds=90)

    # --- The rédactrice's notification ----------------------------------------------------------
    mail = demo_server.wait_for_mail(RITA, timeout=120)
    assert mail.body.startswith("Bonjour") and "Salut" not in mail.body
    assert mail.links and all(link.startswith(base + "/") for link in mail.links), (
        base,
        mail.links,
    )
    assert mail.sender.startswith(site_name) or f'"{site_name}"' in mail.sender, mail.sender
    assert "workflow" not in (mail.subject + mail.body).lower()

    # --- Statistics: a readable day axis ----------------------------------------------------------
    page.goto(base + "/admin/")
    page.get_by_role("link", name="Statistiques").first.click()
    page.wait_for_load_state()
    assert page.locator("svg.visits-chart").count() >= 1
    assert axis_labels_overlap(page) == []
    shots(page, "statistiques")
    axe(page, "statistiques")
