"""The browser-test infrastructure itself (tests/support/browser.py): the fresh demo it serves,
the codes it computes, the mails it reads, and an axe-core check that does fail."""

from __future__ import annotations

import base64

import pytest

from tests.support import browser as support

# RFC 6238, appendix B: the SHA-1 secret is the ASCII string "12345678901234567890".
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("at", "code"),
    [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"),
     (2000000000, "69279037")],
)  # fmt: skip
def test_totp_now_gives_the_rfc_6238_codes(at, code):
    assert support.totp_now(RFC_SECRET, at=at, digits=8) == code


def test_totp_now_reads_the_secret_as_a_person_copies_it():
    spaced = " ".join(RFC_SECRET[i : i + 4] for i in range(0, len(RFC_SECRET), 4)).lower()
    assert support.totp_now(spaced, at=59) == support.totp_now(RFC_SECRET, at=59) == "287082"


def test_console_mails_are_read_back_among_server_logs(settings, capsys):
    """What Django's console backend prints (the demo's mails) parses back into mails, accents,
    long lines and all, even with other lines around them."""
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    print("[WARNING] granian: something unrelated")
    mail.send_mail("Invitation à rédiger", "Bonjour Élise,\n\nDéfinissez votre mot de passe : "
                   "http://127.0.0.1:9/admin/invitation/abc/\n" + "long " * 60,
                   "Le Journal <noreply@example.org>", ["elise@example.org"])  # fmt: skip
    print("redac worker: next line")
    mail.send_mail("Second", "Deux", "x@example.org", ["a@example.org", "b@example.org"])
    printed = capsys.readouterr().out

    first, second = support.parse_console_mails(printed)
    assert first.subject == "Invitation à rédiger"
    assert first.sender == "Le Journal <noreply@example.org>"
    assert first.to == ["elise@example.org"]
    assert first.body.startswith("Bonjour Élise,")
    assert first.links == ["http://127.0.0.1:9/admin/invitation/abc/"]
    assert second.to == ["a@example.org", "b@example.org"]


def test_demo_login_is_read_from_what_redac_demo_prints():
    printed = "Administration : http://127.0.0.1:8000/admin/\n  identifiant : admin\n" \
              "  mot de passe : Zq3-x_9\n"  # fmt: skip
    assert support.parse_demo_login(printed) == ("admin", "Zq3-x_9")
    with pytest.raises(support.DemoError):
        support.parse_demo_login("Site de démonstration prêt.")


def test_artefacts_are_named_after_the_module_and_the_test():
    path = support.artifacts_dir_for("tests/browser/test_x.py::test_a[desktop-1]")
    assert path == support.ARTIFACTS_DIR / "test_x" / "test_a_desktop-1"


@pytest.mark.browser
def test_a_fresh_demo_is_served_and_axe_runs_under_its_csp(demo_server, desktop, phone, shots,
                                                           axe):  # fmt: skip
    # The demo answers as after `make demo`, with the login it printed.
    assert demo_server.username == "admin" and len(demo_server.password) >= 12
    desktop.goto(demo_server.url + "/")
    assert "script-src 'self'" in desktop.evaluate(
        "async () => (await fetch('/')).headers.get('content-security-policy')"
    )
    shots(desktop, "accueil")
    axe(desktop, "accueil")

    phone.goto(demo_server.url + "/")
    assert phone.evaluate("() => window.innerWidth") == 390
    shots(phone, "accueil-telephone")

    # The check fails, readably, on a serious violation: an image without a text alternative.
    desktop.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/favicon.ico';"
        " img.id = 'sans-alt'; document.querySelector('main').append(img); }"
    )
    with pytest.raises(AssertionError) as failure:
        axe(desktop, "image-sans-alt")
    assert "image-alt" in str(failure.value) and "#sans-alt" in str(failure.value)
