"""Issue 16, « Webmaster's first login », in a real browser on a fresh demo, as a person clicks:
the demo's administrator logs in with the password `redac demo` printed, turns on two-factor
authentication with the code computed from the secret the page shows, gives the site its
contact address, invites a rédactrice and a webmestre by mail (the mails are read where the demo
prints them), and the webmestre, once in, edits the legal notice and finds on the user form the
newsroom's roles, in French, and no superuser status. axe-core checks each admin page visited."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import fresh_totp

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Un-mot-de-passe-bien-long-2026"


def log_in(page, base, username, password):
    page.goto(base + "/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.locator("input[name=password]").fill(password)
    # The field is labelled in French (Wagtail's own form said « Password »).
    assert page.get_by_label("Mot de passe").count() == 1
    page.get_by_role("button", name="S'identifier").click()
    page.wait_for_load_state()


def enrol_two_factor(page, shots, axe, codes):
    """The 2FA set-up page: one page, one form; the secret read as a person reads it."""
    assert "/admin/2fa/activer/" in page.url
    assert page.locator("main").count() == 1 and page.locator("h1").count() == 1
    assert page.locator("main form").count() == 1
    shots(page, "2fa-activer")
    axe(page, "2fa-activer")
    secret = page.locator(".newsroom-2fa__secret").inner_text()
    page.get_by_label(re.compile("Code", re.I)).fill(fresh_totp(secret, used=codes))
    page.get_by_role("button", name="Activer").click()
    page.wait_for_load_state()
    # The dashboard, not an XML parse error: an HTML page with one heading.
    assert page.url.rstrip("/").endswith("/admin")
    assert page.locator("h1").count() >= 1
    return secret


def open_settings_item(page, label):
    """Open « Paramètres » in the sidebar, then one of its items, as a person clicks."""
    page.get_by_role("button", name="Paramètres").click()
    page.get_by_role("list", name="Paramètres").get_by_role("link", name=label).click()
    page.wait_for_load_state()


def test_webmaster_first_login_identity_invitations_and_roles(demo_server, desktop, shots, axe):
    base, page, codes = demo_server.url, desktop, set()

    # --- First login: password, then the compulsory two-factor set-up -------------------------
    log_in(page, base, demo_server.username, demo_server.password)
    enrol_two_factor(page, shots, axe, codes)
    shots(page, "tableau-de-bord")
    axe(page, "tableau-de-bord")

    # --- The site identity and its contact address ---------------------------------------------
    open_settings_item(page, "Identité du site")
    assert page.locator("h1").first.inner_text().strip() != ""
    page.get_by_label("Adresse de contact").fill("redaction@journal.example.org")
    shots(page, "identite")
    axe(page, "identite")
    page.get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_load_state()
    reader = page.context.browser.new_page(locale="fr-FR")
    reader.goto(base + "/")
    footer = reader.locator("footer").inner_text()
    assert "redaction@journal.example.org" in footer
    reader.close()

    # --- Invitations by mail --------------------------------------------------------------------
    def invite(username, first_name, last_name, role):
        open_settings_item(page, "Utilisateurs")
        page.get_by_role("link", name="Inviter une personne").click()
        page.wait_for_load_state()
        form = page.locator("main form")
        assert form.locator("input[type=password]").count() == 0  # nobody types it for them
        labels = form.locator("input[name=groups]").evaluate_all(
            "inputs => inputs.map(i => i.closest('label') ? i.closest('label').innerText : '')"
        )
        names = [label.split(" — ")[0].strip() for label in labels]
        assert names == ["Rédacteur", "Administrateur restreint", "Administrateur", "Webmestre",
                         "Messages"]  # fmt: skip
        assert not form.get_by_text(re.compile(r"\b(Editors|Moderators)\b")).count()
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=email]").fill(f"{username}@journal.example.org")
        form.locator("input[name=first_name]").fill(first_name)
        form.locator("input[name=last_name]").fill(last_name)
        page.get_by_role("tab", name="Rôles").first.click()
        form.locator("label", has_text=f"{role} — ").locator("input").check()
        shots(page, f"inviter-{username}")
        axe(page, f"inviter-{username}")
        page.get_by_role("button", name="Créer").click()
        page.wait_for_load_state()
        assert "Invitation envoyée" in page.locator(".messages").inner_text()
        return demo_server.wait_for_mail(f"{username}@journal.example.org")

    mail = invite("camille", "Camille", "Dupont", "Rédacteur")
    assert mail.subject.startswith("Invitation")
    assert not mail.body.startswith("Salut")
    assert "Journal" in mail.sender or "redac" not in mail.sender.split("<")[0].lower()
    link = next(url for url in mail.links if "/admin/password_reset/" in url)
    assert link.startswith(base + "/")

    # Camille chooses her password from the mail and logs in (a rédactrice: no 2FA required).
    camille = page.context.browser.new_context(locale="fr-FR", viewport={"width": 1400,
                                                                         "height": 1000})  # fmt: skip
    invited = camille.new_page()
    invited.goto(link)
    invited.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    invited.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    shots(invited, "camille-mot-de-passe")
    invited.locator("main form button[type=submit], main form input[type=submit]").first.click()
    invited.wait_for_load_state()
    log_in(invited, base, "camille", NEW_PASSWORD)
    assert invited.url.rstrip("/").endswith("/admin")
    shots(invited, "camille-tableau-de-bord")
    # The link served once.
    invited.goto(link)
    assert invited.locator("input[name=new_password1]").count() == 0
    camille.close()

    # --- A webmestre, invited the same way, edits the legal notice -----------------------------
    mail = invite("wanda", "Wanda", "Martin", "Webmestre")
    link = next(url for url in mail.links if "/admin/password_reset/" in url)
    page.context.clear_cookies()
    page.goto(link)
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()
    log_in(page, base, "wanda", NEW_PASSWORD)
    enrol_two_factor(page, shots, axe, codes)

    # The user form offers Wanda the roles, never superuser status.
    open_settings_item(page, "Utilisateurs")
    page.get_by_role("link", name=re.compile("camille", re.I)).first.click()
    page.wait_for_load_state()
    assert page.locator("input[name=is_superuser]").count() == 0
    assert page.locator("main").get_by_text("Superutilisateur").count() == 0
    shots(page, "wanda-utilisateur")
    axe(page, "wanda-utilisateur")

    # The legal notice is hers to edit and publish.
    page.goto(base + "/admin/pages/")
    page.get_by_role("link", name="Mentions légales").first.click()
    page.wait_for_load_state()
    if "/edit/" not in page.url:
        page.get_by_role("link", name=re.compile("Modifier")).first.click()
        page.wait_for_load_state()
    page.locator("#id_title").fill("Mentions légales du journal")
    shots(page, "wanda-mentions-legales")
    page.locator("footer .w-dropdown__toggle").first.click()
    page.locator("footer").get_by_role("button", name=re.compile("^Publier")).first.click()
    page.wait_for_load_state()
    assert "Mentions légales du journal" in page.locator(".messages").inner_text()
