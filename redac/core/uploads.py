"""What editors upload (images, documents) is checked by content, renamed by the server, and stripped
of location metadata before it is stored (security cases 35-43).

Wagtail already checks an image's real format against its extension (Willow), its byte size and its
pixel count. It checks nothing in a document but the extension, keeps the name the browser sent,
and stores photos with their EXIF GPS position. This module adds, through Wagtail's documented
extension points (``WAGTAIL*_FORM_BASE`` settings and a ``pre_save`` signal):

- documents: a small allow-list of magic bytes per extension (pdf, zip-based office files, plain
  text), with a bound on the uncompressed size of zip containers (zip bombs);
- images: a full decode at upload, so that a truncated file or a GIF/JavaScript polyglot is refused
  before any reader asks for a rendition (the decode is bounded by ``WAGTAILIMAGES_MAX_IMAGE_PIXELS``,
  which Wagtail checks first, and costs what the first rendition would cost anyway);
- a server-generated file name (slug of the original stem + random suffix + checked extension):
  no path, quote, control character, reserved Windows name or 300-character name reaches the
  storage or a ``Content-Disposition`` header;
- every location field removed from originals (GPS in the EXIF of every frame, XMP and IPTC
  blocks naming a place), by rewriting the file's structure only (redac.core.imagemeta) - a photo
  of a demonstration must not reveal where its author lives. Renditions lose all metadata when
  they are stored (redac.core.storage.MediaStorage).

A small module of our own rather than python-magic (needs libmagic, and answers "what is this"
rather than "is this one of the six things we accept") or a metadata library (piexif is
unmaintained; Pillow, already required, reads and writes EXIF).
"""

from __future__ import annotations

import io
import os
import secrets
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm
from wagtail.utils.file import hash_filelike

from .imagemeta import strip_location

#: Bounds for zip containers (docx, xlsx, odt, ods, zip): a 20 MB upload may not unpack to more.
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_MEMBERS = 5_000
#: How much of a text file is inspected (beginning of the file).
TEXT_SNIFF_BYTES = 64 * 1024
#: Wagtail's title field is 255 characters; the multiple-upload view uses the file name as title.
TITLE_MAX_LENGTH = 255

# Beginnings that make a browser (or a careless proxy) sniff a file as HTML/XML: such "text" is
# refused rather than stored (WHATWG MIME sniffing, "identifying a resource with an unknown type").
MARKUP_PREFIXES = (
    b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div", b"<font",
    b"<table", b"<a ", b"<a>", b"<style", b"<title", b"<b ", b"<b>", b"<body", b"<br", b"<p ", b"<p>",
    b"<!--", b"<?xml", b"<svg", b"<?php", b"<object", b"<embed", b"<img",
)  # fmt: skip


class UnsafeUpload(ValidationError):
    pass


# --- Documents: magic bytes per extension --------------------------------------------------------


def _read_head(f, size: int) -> bytes:
    f.seek(0)
    head = f.read(size)
    f.seek(0)
    return head


def _zip_members(f) -> tuple[list[zipfile.ZipInfo], bytes]:
    """The archive's members and the first bytes of the first one, after the zip-bomb bounds."""
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as archive:
            members = archive.infolist()
            first = archive.read(members[0].filename)[:100] if members else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise UnsafeUpload(_("Ce fichier n'est pas une archive valide."), code="bad_zip") from None
    finally:
        f.seek(0)
    if not members:
        raise UnsafeUpload(_("Cette archive est vide."), code="bad_zip")
    if len(members) > ZIP_MAX_MEMBERS:
        raise UnsafeUpload(_("Cette archive contient trop de fichiers."), code="zip_bomb")
    # Declared sizes are what an unzip would write; a zip bomb declares (or is) enormous.
    if sum(m.file_size for m in members) > ZIP_MAX_UNCOMPRESSED:
        raise UnsafeUpload(
            _("Cette archive décompressée dépasserait %(max)s Mo.")
            % {"max": ZIP_MAX_UNCOMPRESSED // (1024 * 1024)},
            code="zip_bomb",
        )
    return members, first


def _check_opendocument(f, mimetype: bytes) -> None:
    members, first = _zip_members(f)
    # OpenDocument: the first member is "mimetype", stored uncompressed, holding the type.
    if members[0].filename != "mimetype" or first.strip() != mimetype:
        raise UnsafeUpload(_("Ce fichier n'est pas un document OpenDocument."), code="bad_type")


def _check_ooxml(f, folder: str) -> None:
    names = {m.filename for m in _zip_members(f)[0]}
    if "[Content_Types].xml" not in names or not any(n.startswith(folder) for n in names):
        raise UnsafeUpload(_("Ce fichier n'est pas un document Office."), code="bad_type")


def _check_text(f) -> None:
    head = _read_head(f, TEXT_SNIFF_BYTES)
    if b"\x00" in head:
        raise UnsafeUpload(_("Ce fichier n'est pas un fichier texte."), code="bad_type")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut in the middle of a multi-byte character at the sniff boundary is fine.
        if exc.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                raise UnsafeUpload(
                    _("Ce fichier n'est pas un fichier texte."), code="bad_type"
                ) from None
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n\x0c").lower()
    if start.startswith(MARKUP_PREFIXES):
        raise UnsafeUpload(
            _("Ce fichier contient du HTML ou du XML : il n'est pas accepté comme texte."),
            code="markup",
        )


def _check_pdf(f) -> None:
    if not _read_head(f, 5) == b"%PDF-":
        raise UnsafeUpload(_("Ce fichier n'est pas un PDF."), code="bad_type")


def _check_zip(f) -> None:
    if not _read_head(f, 4) == b"PK\x03\x04":
        raise UnsafeUpload(_("Ce fichier n'est pas une archive zip."), code="bad_type")
    _zip_members(f)


DOCUMENT_CHECKS = {
    "pdf": _check_pdf,
    "zip": _check_zip,
    "docx": lambda f: (_check_zip(f), _check_ooxml(f, "word/")),
    "xlsx": lambda f: (_check_zip(f), _check_ooxml(f, "xl/")),
    "odt": lambda f: (_check_zip(f), _check_opendocument(f, b"application/vnd.oasis.opendocument.text")),
    "ods": lambda f: (_check_zip(f), _check_opendocument(f, b"application/vnd.oasis.opendocument.spreadsheet")),
    "csv": _check_text,
    "txt": _check_text,
}  # fmt: skip


def extension_of(name: str) -> str:
    return os.path.splitext(os.path.basename(name.replace("\\", "/")))[1].lower().lstrip(".")


def check_document_content(f) -> None:
    """Refuse a document whose content is not what its extension says (security case 36)."""
    check = DOCUMENT_CHECKS.get(extension_of(f.name))
    if check is None:  # Wagtail's extension validator has already said so
        raise UnsafeUpload(_("Ce type de fichier n'est pas accepté."), code="bad_extension")
    check(f)


# --- Images: full decode -------------------------------------------------------------------------


def check_image_decodes(f) -> None:
    """Decode every pixel once: a file that only *starts* like an image is refused (case 36)."""
    f.seek(0)
    try:
        with PILImage.open(f) as image:
            for frame in range(min(getattr(image, "n_frames", 1), 50)):
                image.seek(frame)
                image.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise UnsafeUpload(_("Cette image est trop grande (en pixels)."), code="bomb") from None
    except Exception:  # noqa: BLE001 - Pillow raises many types for broken files
        raise UnsafeUpload(
            _("Cette image est endommagée ou n'est pas vraiment une image."), code="broken"
        ) from None
    finally:
        f.seek(0)


# --- Names ---------------------------------------------------------------------------------------


def server_file_name(original: str, extension: str) -> str:
    """``Rapport annuel (v2).PDF`` -> ``rapport-annuel-v2-k3x9q2ma.pdf``: readable, unique, safe."""
    stem = os.path.splitext(os.path.basename(original.replace("\\", "/")))[0]
    stem = slugify(stem)[:60].strip("-_") or "fichier"
    return f"{stem}-{secrets.token_hex(4)}.{extension}"


# --- Location metadata ---------------------------------------------------------------------------


def strip_location_on_save(sender, instance, **kwargs) -> None:
    """``pre_save`` of the image model: every original, whatever the way in (admin form, the
    multiple-upload fallback path, an importer), is stored without its location."""
    field_file = instance.file
    if not field_file:
        return
    committed = getattr(field_file, "_committed", True)
    if committed and not instance._state.adding:
        return  # an edit of the title or focal point: the file was cleaned when it came in
    try:
        field_file.open("rb")
        field_file.seek(0)
        data = field_file.read()
    except (OSError, ValueError):
        return
    cleaned = strip_location(data)
    if cleaned is None:
        field_file.seek(0)
        return
    name = os.path.basename(field_file.name)
    if committed:
        storage, stored = field_file.storage, field_file.name
        field_file.close()
        storage.delete(stored)
        field_file.name = storage.save(stored, ContentFile(cleaned))
    else:
        instance.file = ContentFile(cleaned, name=name)
    # Wagtail uses size and hash to spot duplicate uploads: they describe the stored bytes.
    instance.file_size = len(cleaned)
    instance.file_hash = hash_filelike(io.BytesIO(cleaned))


# --- Admin forms (WAGTAILIMAGES_IMAGE_FORM_BASE / WAGTAILDOCS_DOCUMENT_FORM_BASE) -----------------


class _TrimmedTitleMixin:
    """The multiple-upload views use the file name as title: a 300-character name would fail the
    title's length check and send the upload down Wagtail's deferred path, which keeps the
    browser's file name. Trim it instead (the editor can rename it)."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and len(data.get("title") or "") > TITLE_MAX_LENGTH:
            data = data.copy()
            data["title"] = data["title"][:TITLE_MAX_LENGTH]
        super().__init__(data, *args, **kwargs)


class SafeImageField(WagtailImageField):
    """Wagtail's image field lets Pillow's own errors escape when Willow recognised the magic bytes
    but Pillow cannot parse what follows (a GIF/JavaScript polyglot gave a 500): any such error
    is the file's fault and becomes the field's "not an image" message."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError:
            raise
        except Exception:  # noqa: BLE001 - Pillow/Willow raise many types for broken files
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from None


class SafeImageForm(_TrimmedTitleMixin, BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if type(field) is WagtailImageField:
            # get_image_form() builds the field; only its validation changes (same attributes).
            field.__class__ = SafeImageField

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and "file" in self.changed_data and hasattr(f, "read"):
            check_image_decodes(f)
            extension = extension_of(f.name)
            f.name = server_file_name(f.name, extension)
        return f


class SafeDocumentForm(_TrimmedTitleMixin, BaseDocumentForm):
    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and "file" in self.changed_data and hasattr(f, "read"):
            check_document_content(f)
            f.name = server_file_name(f.name, extension_of(f.name))
        return f
