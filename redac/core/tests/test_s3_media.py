"""Media on S3-compatible object storage, as docs/scaling.md configures it (issue 17), against a
stand-in S3 server (moto in server mode, over HTTP): renditions public and unsigned at MEDIA_URL,
originals and documents private behind signed URLs, and no cached page outliving a signed URL."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.images import ImageFile

from conftest import skip_or_fail
from tests.support.processes import free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
BUCKET = "redac-media"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture
def s3(settings, monkeypatch):
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError:
        skip_or_fail("moto[server] and django-storages[s3] are not installed (test extras)")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):  # fmt: skip
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    # The configuration docs/scaling.md gives, with the stand-in server's address.
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "signature_version": "s3v4",
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "redac.core.s3.PrivateMediaStorage", "OPTIONS": options},
        "renditions": {"BACKEND": "redac.core.s3.PublicRenditionStorage", "OPTIONS": options},
    }
    settings.WAGTAILIMAGES_RENDITION_STORAGE = "renditions"
    settings.MEDIA_URL = "https://media.example.org/"
    # Wagtail reads WAGTAILIMAGES_RENDITION_STORAGE once, when its models load: give the
    # rendition model's field the storage this test configured.
    from wagtail.images import get_image_model
    from wagtail.images.models import get_rendition_storage

    field = get_image_model().get_rendition_model()._meta.get_field("file")
    monkeypatch.setattr(field, "storage", get_rendition_storage())
    yield client
    server.stop()


def png_file(name="photo.png"):
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 200), (200, 30, 30)).save(buffer, "PNG")
    buffer.seek(0)
    return ImageFile(buffer, name=name)


def grants_to_everyone(client, key) -> bool:
    acl = client.get_object_acl(Bucket=BUCKET, Key=key)
    return any(g["Grantee"].get("URI") == ALL_USERS for g in acl["Grants"])


def test_renditions_are_public_and_unsigned_at_media_url_originals_private_and_signed(s3):
    from wagtail.images import get_image_model

    image = get_image_model().objects.create(title="Photo", file=png_file())
    rendition = image.get_rendition("width-100")

    assert rendition.url.startswith("https://media.example.org/renditions/")
    assert "X-Amz-" not in rendition.url and "Signature" not in rendition.url
    assert grants_to_everyone(s3, "renditions/" + rendition.file.name)

    original = image.file.url
    assert "X-Amz-Signature=" in original and "X-Amz-Expires=3600" in original
    assert not original.startswith("https://media.example.org/")
    assert not grants_to_everyone(s3, image.file.name)


def test_documents_are_private_and_served_through_a_fresh_signed_redirect(s3, client):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title="Rapport", file=ContentFile(b"%PDF-1.4 rapport", name="rapport.pdf")
    )
    assert not grants_to_everyone(s3, document.file.name)
    response = client.get(document.url)
    assert response.status_code == 302
    assert "X-Amz-Signature=" in response["Location"]


def test_a_cached_page_never_outlives_a_signed_url_it_holds(s3, tmp_path):
    from wagtail.images import get_image_model

    from redac.delivery.wsgi import CachedApp

    image = get_image_model().objects.create(title="Photo", file=png_file())
    body = f'<html><a href="{image.file.url.replace("&", "&amp;")}">original</a></html>'.encode()
    page_headers = [("Content-Type", "text/html; charset=utf-8"),
                    ("Cache-Control", "public, max-age=0, s-maxage=300, stale-while-revalidate=60")]  # fmt: skip
    app = CachedApp(app=None, enabled=True)
    entry = app.build_entry("200 OK", page_headers, body)
    assert entry is not None
    assert entry.expires_at <= time.time() + 3600 - 60 + 1
    # Nor a CDN (which no purge reaches when the URL expires), nor nginx's published files.
    assert dict(entry.headers)["Cache-Control"] == "public, max-age=0, s-maxage=0, must-revalidate"
    from redac.delivery import conf
    from redac.delivery.publish import Publisher

    conf.use_store(conf.get_store(), Publisher(tmp_path / "public"))
    try:
        assert app.publish_step(("", "/page/", 0), entry) is None
        plain = app.build_entry("200 OK", page_headers, b"<html>no signed URL</html>")
        assert app.publish_step(("", "/page/", 0), plain) is not None
    finally:
        conf.reset()
    # A page with only public renditions keeps the ordinary lifetime.
    rendition = image.get_rendition("width-100")
    plain = app.build_entry("200 OK", page_headers, f'<img src="{rendition.url}">'.encode())
    assert plain.expires_at > time.time() + 80000
    assert "s-maxage=300" in dict(plain.headers)["Cache-Control"]


def test_a_restricted_document_is_signed_only_for_the_people_allowed(s3, client, personas):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, CollectionViewRestriction

    private = Collection.get_first_root_node().add_child(name="Réservé à la rédaction")
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = get_document_model().objects.create(
        title="Note interne", collection=private,
        file=ContentFile(b"%PDF-1.4 note", name="note.pdf"),
    )  # fmt: skip
    assert restriction.pk and not grants_to_everyone(s3, document.file.name)
    anonymous = client.get(document.url)
    assert "X-Amz-Signature" not in anonymous.get("Location", "") + anonymous.content.decode(
        errors="replace"
    )
    client.force_login(personas["editor"])
    allowed = client.get(document.url)
    assert allowed.status_code == 302 and "X-Amz-Signature=" in allowed["Location"]
