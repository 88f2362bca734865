"""Issue 15, item 4: a user who must use two-factor authentication has no privilege anywhere
until the second factor passes, whatever door they logged in through (the page-privacy login at
/_util/login/, the first step of /admin/login/).

Found: a password-only session read login-restricted pages and original images; only /admin/
asked for the code. The attack here logs in with the password alone through each door, then asks
for everything a logged-in person may see."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from tests.support.browser import totp_now
from tests.support.personas import PASSWORD

DOORS = ("/_util/login/", "/admin/login/")


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


@pytest.fixture
def private_things(personas):
    """A login-restricted article, an original image, a document in a login-restricted
    collection."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

    article = personas["article_a"]
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    image = get_image_model().objects.create(title="Photo", file=get_test_image_file())
    internal = Collection.get_first_root_node().add_child(name="Interne")
    CollectionViewRestriction.objects.create(
        collection=internal, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = get_document_model().objects.create(
        title="Compte rendu du bureau", collection=internal,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="bureau.pdf"),
    )  # fmt: skip
    return {
        "page": article.url,
        "page_text": article.title,
        "original": image.file.url,
        "document": document.url,
        "preview": reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk]),
        "api": "/admin/api/main/pages/",
    }


def with_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Application", confirmed=True)


def password_only(door, username):
    client = Client(REMOTE_ADDR="10.9.0.1")
    response = client.post(door, {"username": username, "password": PASSWORD, "next": "/"})
    assert response.status_code == 302, f"{door}: the password was refused"
    assert "_auth_user_id" in client.session
    return client, response


def assert_no_privilege(client, things):
    page = client.get(things["page"])
    assert page.status_code == 302 and "/_util/login/" in page["Location"]
    assert client.get(things["original"]).status_code == 404
    document = client.get(things["document"])
    assert document.status_code == 302 and "/_util/login/" in document["Location"]
    for admin_path in (things["preview"], things["api"], "/admin/"):
        answer = client.get(admin_path)
        assert answer.status_code == 302 and "/admin/2fa/" in answer["Location"], admin_path


@pytest.mark.parametrize("door", DOORS)
def test_attack_second_factor_everywhere_password_alone_opens_nothing(
    door, personas, private_things
):
    """The Webmestre has a device; the Administrateur has none yet (their role requires one):
    neither reads anything private with the password alone."""
    with_device(personas["webmestre"])
    for username in ("webmestre", "admina"):
        client, login = password_only(door, username)
        # The door leads to the second factor, not to where it was going.
        assert "/admin/2fa/" in login["Location"]
        assert_no_privilege(client, private_things)


def test_attack_second_factor_everywhere_applies_to_whoever_turned_it_on(personas, private_things):
    """A rédacteur needs no second factor, but one who turned it on is held to it."""
    with_device(personas["redacteur"])
    client, login = password_only("/_util/login/", "redac")
    assert "/admin/2fa/verifier/" in login["Location"]
    assert_no_privilege(client, private_things)


def test_attack_second_factor_everywhere_the_code_then_opens_what_the_role_allows(
    personas, private_things
):
    import base64

    device = with_device(personas["webmestre"])
    client, login = password_only("/_util/login/", "webmestre")
    secret = base64.b32encode(device.bin_key).decode()
    verified = client.post(login["Location"], {"token": totp_now(secret)})
    # Back to where the login was going.
    assert verified.status_code == 302 and verified["Location"] == "/"
    page = client.get(private_things["page"])
    assert page.status_code == 200 and private_things["page_text"] in page.content.decode()
    assert client.get(private_things["original"]).status_code == 200
    assert client.get(private_things["document"]).status_code == 200
