"""A limited editor whose group may use only one collection sees only that collection's images and
documents, whichever door they use: choosers (listing, search, « chosen »), the image preview and
URL generator, edit and usage views, the admin API's listings and details (security case 52, cf.
Wagtail CVE-2026-44201/54259/54261). Documents in a collection with a view restriction are not
served to readers."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.personas import login


@pytest.fixture
def collections(demo):
    """« Public » (the limited editor's) and « Sources » (not theirs), each with an image and a
    document, and a « Photographe » allowed to add, change and choose in « Public » only."""
    from django.contrib.auth.models import Group, Permission, User
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    public = root.add_child(name="Public")
    sources = root.add_child(name="Sources")
    group = Group.objects.create(name="Photographes")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_image", "change_image", "choose_image",
                     "add_document", "change_document", "choose_document"):  # fmt: skip
        GroupCollectionPermission.objects.create(
            group=group, collection=public, permission=Permission.objects.get(codename=codename)
        )
    limited = User.objects.create_user("photographe", "ph@example.org", "motdepasse-photo-1")
    limited.groups.add(group)
    Image, Document = get_image_model(), get_document_model()

    def document(title, collection):
        return Document.objects.create(title=title, collection=collection,
                                       file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="note.pdf"))  # fmt: skip

    return {
        "limited": limited,
        "image_public": Image.objects.create(title="Photo publique du cortège", collection=public,
                                             file=get_test_image_file()),
        "image_secret": Image.objects.create(title="Visage de la source", collection=sources,
                                             file=get_test_image_file()),
        "doc_public": document("Communiqué public", public),
        "doc_secret": document("Témoignage confidentiel", sources),
        "sources": sources,
    }  # fmt: skip


SECRETS = ("Visage de la source", "Témoignage confidentiel")


def text_of(response) -> str:
    """The response as a reader of it would see it (JSON answers escape accents)."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    return response.content.decode()


def shows_no_secret(response) -> bool:
    text = text_of(response)
    return not any(secret in text for secret in SECRETS)


def refused(response) -> bool:
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


@pytest.mark.security_case(52)
@pytest.mark.parametrize(
    "chooser, query, public",
    [("wagtailimages_chooser", "", "Photo publique"), ("wagtailimages_chooser", "Visage", None),
     ("wagtaildocs_chooser", "", "Communiqué public"),
     ("wagtaildocs_chooser", "Témoignage", None)],
)  # fmt: skip
def test_choosers_list_only_the_permitted_collection(client, collections, chooser, query, public):
    login(client, collections["limited"])
    for view in ("choose", "choose_results"):
        response = client.get(reverse(f"{chooser}:{view}"), {"q": query} if query else {})
        assert response.status_code == 200
        assert shows_no_secret(response)
        if public:
            assert public in text_of(response)


@pytest.mark.parametrize(
    "url",
    [
        lambda c: reverse("wagtailimages_chooser:chosen", args=[c["image_secret"].pk]),
        lambda c: reverse("wagtaildocs_chooser:chosen", args=[c["doc_secret"].pk]),
        lambda c: reverse("wagtailimages:edit", args=[c["image_secret"].pk]),
        lambda c: reverse("wagtaildocs:edit", args=[c["doc_secret"].pk]),
        lambda c: reverse("wagtailimages:image_usage", args=[c["image_secret"].pk]),
        lambda c: reverse("wagtaildocs:document_usage", args=[c["doc_secret"].pk]),
        lambda c: reverse("wagtailimages:url_generator", args=[c["image_secret"].pk]),
        lambda c: f"/admin/images/{c['image_secret'].pk}/preview/width-300/",
        lambda c: reverse("wagtailadmin_api:images:detail", args=[c["image_secret"].pk]),
        lambda c: reverse("wagtailadmin_api:documents:detail", args=[c["doc_secret"].pk]),
    ],
    ids=["image_chosen", "document_chosen", "image_edit", "document_edit", "image_usage",
         "document_usage", "url_generator", "image_preview", "api_image", "api_document"],
)  # fmt: skip
@pytest.mark.security_case(52)
def test_an_item_of_another_collection_is_refused_by_every_view(client, collections, url):
    login(client, collections["limited"])
    response = client.get(url(collections))
    assert refused(response), response.status_code
    assert shows_no_secret(response)


@pytest.mark.security_case(52)
def test_the_same_views_work_on_the_permitted_collection(client, collections):
    """The control for the test above: the refusals are about the collection, not the views."""
    login(client, collections["limited"])
    image, document = collections["image_public"], collections["doc_public"]
    for url in (
        reverse("wagtailimages_chooser:chosen", args=[image.pk]),
        reverse("wagtaildocs_chooser:chosen", args=[document.pk]),
        reverse("wagtailimages:edit", args=[image.pk]),
        reverse("wagtaildocs:edit", args=[document.pk]),
        f"/admin/images/{image.pk}/preview/width-300/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.security_case(52)
@pytest.mark.parametrize("api", ["images", "documents"])
def test_the_admin_api_lists_only_the_permitted_collection(client, collections, api):
    login(client, collections["limited"])
    response = client.get(reverse(f"wagtailadmin_api:{api}:listing"))
    assert response.status_code == 200
    titles = [item["title"] for item in json.loads(response.content)["items"]]
    assert not set(titles) & set(SECRETS)
    assert ("Photo publique du cortège" if api == "images" else "Communiqué public") in titles


@pytest.mark.security_case(52)
def test_the_image_preview_needs_admin_access(collections):
    response = Client().get(f"/admin/images/{collections['image_public'].pk}/preview/width-300/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.security_case(52)
def test_a_document_in_a_restricted_collection_is_not_served_to_readers(client, collections):
    from wagtail.models import CollectionViewRestriction

    CollectionViewRestriction.objects.create(collection=collections["sources"],
                                             restriction_type="login")  # fmt: skip
    secret = collections["doc_secret"]
    response = client.get(secret.url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert b"%PDF" not in response.content
    assert client.get(collections["doc_public"].url).status_code == 200
