"""Security cases 35-43: what editors upload (images, documents), through Wagtail's admin forms.

Every upload goes through the real admin views (single and multiple upload) with a logged-in
superuser, so the checks hold whatever the editor's browser does.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from . import samples

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()
TEMPLATES_DIR = Path(settings.PACKAGE_DIR) / "templates"


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas["admin"])
    return client


def upload_image(client, name: str, data: bytes, url="/admin/images/multiple/add/"):
    response = client.post(url, {"files[]": SimpleUploadedFile(name, data)})
    assert response.status_code == 200, response.status_code
    return response.json()


def upload_document(client, name: str, data: bytes):
    response = client.post(
        "/admin/documents/multiple/add/", {"files[]": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200, response.status_code
    return response.json()


def refused(result) -> bool:
    return result["success"] is False and result["error_message"]


# --- 35: SVG -------------------------------------------------------------------------------------


def test_case_35_svg_with_script_is_refused_as_image_and_as_document(admin_client):
    before = (Image.objects.count(), Document.objects.count())
    assert refused(upload_image(admin_client, "evil.svg", samples.svg_with_script()))
    assert refused(upload_document(admin_client, "evil.svg", samples.svg_with_script()))
    # Renamed, it is refused by content: not an image, not text.
    assert refused(upload_image(admin_client, "evil.png", samples.svg_with_script()))
    assert refused(upload_document(admin_client, "evil.txt", samples.svg_with_script()))
    assert (Image.objects.count(), Document.objects.count()) == before
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
    assert "svg" not in settings.WAGTAILDOCS_EXTENSIONS


# --- 36: real type from content ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data",
    [
        ("photo.jpg", b"<html><body><script>alert(1)</script></body></html>"),
        ("photo.png", samples.jpeg()),  # a real image, but not what its name says
        ("anim.gif", samples.gif_js_polyglot()),
    ],
    ids=["html-as-jpg", "jpeg-as-png", "gif-js-polyglot"],
)
def test_case_36_image_whose_content_is_not_its_type_is_refused(admin_client, name, data):
    before = Image.objects.count()
    assert refused(upload_image(admin_client, name, data))
    assert Image.objects.count() == before


@pytest.mark.parametrize(
    "name, data",
    [
        ("rapport.pdf", b"<html><script>alert(1)</script></html>"),
        ("tableau.xlsx", samples.pdf()),
        ("lettre.docx", samples.office("odt")),
        ("lettre.odt", samples.office("docx")),
        ("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("data.csv", b"\x00\x01\x02binary\x00"),
        ("archive.zip", b"MZ\x90\x00 this is a windows executable"),
    ],
    ids=["html-as-pdf", "pdf-as-xlsx", "odt-as-docx", "docx-as-odt", "html-as-txt",
         "binary-as-csv", "exe-as-zip"],
)  # fmt: skip
def test_case_36_document_whose_content_is_not_its_type_is_refused(admin_client, name, data):
    before = Document.objects.count()
    result = upload_document(admin_client, name, data)
    assert refused(result), result
    assert Document.objects.count() == before


@pytest.mark.parametrize(
    "name, data",
    [
        ("rapport.pdf", samples.pdf()),
        ("lettre.docx", samples.office("docx")),
        ("tableau.xlsx", samples.office("xlsx")),
        ("lettre.odt", samples.office("odt")),
        ("tableau.ods", samples.office("ods")),
        ("notes.txt", "Réunion du 12 mars : ordre du jour.\n".encode()),
        ("liste.csv", "nom;ville\nDupont;Lyon\n".encode("cp1252")),
    ],
)
def test_case_36_genuine_documents_of_each_allowed_type_are_accepted(admin_client, name, data):
    result = upload_document(admin_client, name, data)
    assert result["success"] is True, result


# --- 37: executable names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["shell.php", "shell.php5", "x.phtml", ".htaccess", "run.cgi", "page.html", "x.js"]
)
def test_case_37_executable_or_server_config_names_are_refused(admin_client, name):
    before = (Image.objects.count(), Document.objects.count())
    assert refused(upload_document(admin_client, name, b"<?php system($_GET['c']); ?>"))
    assert refused(upload_image(admin_client, name, samples.jpeg()))
    assert (Image.objects.count(), Document.objects.count()) == before


def test_case_37_double_extension_is_stored_under_the_checked_extension_only(admin_client):
    result = upload_image(admin_client, "shell.php.jpg", samples.jpeg())
    assert result["success"] is True
    stored = Image.objects.get(pk=result["image_id"]).file.name
    assert ".php" not in stored and stored.endswith(".jpg")
    assert refused(upload_document(admin_client, "shell.php.pdf", b"<?php system('id'); ?>"))


# --- 38: hostile file names ----------------------------------------------------------------------


def request_id(name: str) -> str:
    return "crlf" if "\r" in name else name


HOSTILE_NAMES = [
    "../../app/settings.pdf",
    "..\\..\\x.pdf",
    'a"\r\nX-Injected: 1.pdf',
    ("tres-long-" * 30) + ".pdf",
    "CON.pdf",
    "rapport annuel é.pdf",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=["dotdot", "backslash", "crlf", "300-chars",
                                                     "con", "unicode"])  # fmt: skip
def test_case_38_documents_get_a_server_generated_name_and_a_safe_disposition(
    admin_client, client, name
):
    before = Document.objects.count()
    result = upload_document(admin_client, name, samples.pdf())
    if not result["success"]:
        # Refusing a name is as safe as renaming it (Django's parser may cut a name at CR/LF).
        assert result["error_message"] and Document.objects.count() == before
        assert "crlf" in request_id(name)
        return
    document = Document.objects.get(pk=result["doc_id"])
    stored = document.file.name
    assert re.fullmatch(r"documents/[a-z0-9][a-z0-9-]{0,60}-[0-9a-f]{8}\.pdf", stored), stored
    assert Path(document.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not Path(document.file.path).stem.upper().startswith("CON.")

    client.logout()
    response = client.get(document.url)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert "X-Injected" not in str(response.headers)
    # RFC 6266: a token or a quoted-string without quotes inside, plus an optional filename*.
    assert re.fullmatch(
        r'(inline|attachment); filename="[A-Za-z0-9._-]+"(; filename\*=UTF-8\'\'[A-Za-z0-9._%-]+)?',
        disposition,
    ), disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_case_38_image_names_are_server_generated_too(admin_client):
    result = upload_image(admin_client, "..\\..\\" + "x" * 290 + ".jpg", samples.jpeg())
    assert result["success"] is True, result
    stored = Image.objects.get(pk=result["image_id"]).file.name
    assert re.fullmatch(r"original_images/x{1,60}-[0-9a-f]{8}\.jpg", stored), stored


def test_case_38_every_document_except_pdf_is_downloaded_not_displayed(admin_client, client):
    result = upload_document(admin_client, "notes.txt", b"du texte\n")
    document = Document.objects.get(pk=result["doc_id"])
    client.logout()
    response = client.get(document.url)
    assert response["Content-Disposition"].startswith("attachment;")
    assert settings.WAGTAILDOCS_INLINE_CONTENT_TYPES == ["application/pdf"]


# --- 39: size limit before buffering -------------------------------------------------------------


@pytest.mark.parametrize(
    "url, limit_setting",
    [
        ("/admin/images/multiple/add/", "WAGTAILIMAGES_MAX_UPLOAD_SIZE"),
        ("/admin/images/add/", "WAGTAILIMAGES_MAX_UPLOAD_SIZE"),
        ("/admin/documents/multiple/add/", "WAGTAILDOCS_MAX_UPLOAD_SIZE"),
        ("/admin/documents/add/", "WAGTAILDOCS_MAX_UPLOAD_SIZE"),
    ],
)
def test_case_39_upload_declared_over_the_limit_is_refused_with_413_unread(
    admin_client, url, limit_setting
):
    """The body is a 2 GB promise: the 413 comes from the header alone (the test client would
    otherwise have to produce 2 GB, and Django to write it to disk)."""

    class Unreadable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

    for declared in (2 * 1024**3, getattr(settings, limit_setting) + 2 * 1024 * 1024):
        response = admin_client.generic(
            "POST", url, data=b"", content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(declared), **{"wsgi.input": Unreadable()},
        )  # fmt: skip
        assert response.status_code == 413
        assert response["Connection"] == "close"


def test_case_39_public_urls_refuse_a_2gb_body_too(client, demo):
    response = client.generic(
        "POST", "/", data=b"", content_type="application/octet-stream",
        CONTENT_LENGTH=str(2 * 1024**3),
    )  # fmt: skip
    assert response.status_code == 413


def test_case_39_file_slightly_over_the_limit_gets_a_form_error(admin_client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1000
    result = upload_document(admin_client, "gros.txt", b"a" * 1001)
    assert refused(result)


# --- 40: decompression bombs ---------------------------------------------------------------------


def test_case_40_decompression_bomb_png_is_refused_without_decoding(admin_client):
    data = samples.png_bomb()  # 50 000 x 50 000 px in under 1 KB
    assert len(data) < 1_000_000
    started = time.monotonic()
    result = upload_image(admin_client, "bombe.png", data)
    assert refused(result)
    assert time.monotonic() - started < 5
    assert not Image.objects.filter(title__startswith="bombe").exists()


def test_case_40_bomb_under_pillow_limit_but_over_ours_is_refused_too(admin_client):
    # 8 000 x 8 000 = 64 Mpx: under Pillow's own bomb threshold, over WAGTAILIMAGES_MAX_IMAGE_PIXELS.
    assert 8000 * 8000 > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    assert refused(upload_image(admin_client, "grande.png", samples.png_bomb(8000, 8000)))


# --- 41: XML entities, zip bombs -----------------------------------------------------------------


@pytest.mark.parametrize("payload", [samples.xxe_xml(), samples.billion_laughs()],
                         ids=["xxe", "billion-laughs"])  # fmt: skip
def test_case_41_xml_with_entities_is_refused_and_never_expanded(admin_client, payload):
    # SVG is refused outright; XML sent as text or as an image is refused by content.
    for name in ("x.svg", "x.txt", "x.csv"):
        assert refused(upload_document(admin_client, name, payload))
    assert refused(upload_image(admin_client, "x.png", payload))
    assert refused(upload_image(admin_client, "x.svg", payload))


def test_case_41_xml_inside_an_office_file_is_stored_but_never_parsed(admin_client, client):
    # The server keeps office files as opaque bytes: the entity is still there, unexpanded, in
    # what a reader downloads.
    data = samples.office("docx", {"word/evil.xml": samples.xxe_xml()})
    result = upload_document(admin_client, "lettre.docx", data)
    assert result["success"] is True
    document = Document.objects.get(pk=result["doc_id"])
    client.logout()
    body = b"".join(client.get(document.url).streaming_content)
    assert body == data


def test_case_41_zip_bomb_in_an_office_file_is_refused(admin_client):
    data = samples.zip_bomb()
    assert len(data) < 2 * 1024 * 1024
    before = Document.objects.count()
    result = upload_document(admin_client, "bombe.docx", data)
    assert refused(result)
    assert "décompressée" in result["error_message"]
    assert Document.objects.count() == before


# --- 42: rendition specs -------------------------------------------------------------------------


def make_image(title="photo", data=None) -> Image:
    return Image.objects.create(
        title=title, file=SimpleUploadedFile("photo.jpg", data or samples.jpeg((400, 300)))
    )


@pytest.mark.parametrize(
    "spec", ["fill-100000x100000", "|".join(["width-10"] * 500), "scale-10000"]
)
def test_case_42_no_public_url_renders_an_image_on_demand(client, demo, spec):
    image = make_image()
    # Wagtail's dynamic serve view (/images/<signature>/<id>/<spec>/) is not enabled.
    for url in (f"/images/abc/{image.pk}/{spec}/", f"/images/abc/{image.pk}/{spec}/photo.jpg"):
        assert client.get(url).status_code == 404
    assert not image.renditions.exists()


def test_case_42_templates_use_only_fixed_bounded_rendition_specs():
    tag = re.compile(r"{%\s*image\s+\S+\s+(\S+)")
    specs = [
        spec for path in TEMPLATES_DIR.rglob("*.html") for spec in tag.findall(path.read_text())
    ]
    assert specs, "the templates use {% image %}"
    for spec in specs:
        assert re.fullmatch(r"(width|height|fill|max|min)-\d{1,4}(x\d{1,4})?", spec), spec
        assert all(int(n) <= 2000 for n in re.findall(r"\d+", spec)), spec


@pytest.mark.parametrize(
    "spec", ["scale-10000", "|".join(["fill-10x10"] * 500), "fill-100000x100000-c100"]
)
def test_case_42_admin_preview_refuses_absurd_specs(admin_client, spec):
    image = make_image()
    started = time.monotonic()
    response = admin_client.get(f"/admin/images/{image.pk}/preview/{spec}/")
    assert response.status_code == 400
    assert time.monotonic() - started < 5


def test_case_42_admin_preview_still_works_for_ordinary_specs(admin_client):
    image = make_image()
    response = admin_client.get(f"/admin/images/{image.pk}/preview/fill-100x100/")
    assert response.status_code == 200


# --- 43: GPS -------------------------------------------------------------------------------------


def test_case_43_uploaded_jpeg_loses_its_gps_position_but_keeps_its_pixels(admin_client):
    original = samples.jpeg((320, 240), gps=True)
    assert samples.has_gps(original)
    result = upload_image(admin_client, "manif.jpg", original)
    assert result["success"] is True
    image = Image.objects.get(pk=result["image_id"])
    with image.file.open("rb") as f:
        stored = f.read()
    assert not samples.has_gps(stored)
    # Lossless: the compressed image data after the metadata is byte-for-byte the original's.
    assert stored[stored.index(b"\xff\xda") :] == original[original.index(b"\xff\xda") :]
    assert image.file_size == len(stored)
    assert (image.width, image.height) == (320, 240)


def test_case_43_single_upload_form_strips_gps_too(admin_client):
    response = admin_client.post(
        "/admin/images/add/",
        {"title": "manif", "file": SimpleUploadedFile("manif.png", samples.png(gps=True))},
    )
    assert response.status_code == 302, response.content[:2000]
    image = Image.objects.get(title="manif")
    with image.file.open("rb") as f:
        assert not samples.has_gps(f.read())


def test_case_43_images_created_by_code_are_stripped_too():
    image = make_image("importée", samples.jpeg(gps=True))
    with image.file.open("rb") as f:
        assert not samples.has_gps(f.read())


def test_case_43_renditions_carry_no_gps_and_originals_are_not_public(client, demo):
    image = make_image("manif", samples.jpeg((400, 300), gps=True))
    rendition = image.get_rendition("width-200")
    with rendition.file.open("rb") as f:
        assert not samples.has_gps(f.read())
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert client.get(image.file.url).status_code == 404
