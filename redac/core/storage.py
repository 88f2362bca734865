"""Where uploaded and static files are written, with what they may carry and who may read them.

Media (``MEDIA_ROOT``) hold two kinds of files (redac.core.media):

- public ones, which redac (and nginx, docs/deploy/nginx.conf) serves to anyone: the image
  renditions of ``images/``. They are written without any metadata (redac.core.imagemeta: no EXIF,
  XMP, IPTC, comment or embedded thumbnail, whatever the format) and readable by every user of the
  machine (0644, folders 0755), so that an nginx worker running as another user serves them;
- private ones, which only redac's views may hand out after their checks: originals
  (``original_images/``) and documents (``documents/``). They stay 0640 (``FILE_UPLOAD_PERMISSIONS``)
  in folders that other users cannot enter (0750): even a web server told to serve the whole
  media folder gets 403 for them.

Static files are public: 0644 in 0755 folders. :func:`fix_permissions` gives files already stored
the same modes (migration ``core.0005`` runs it on upgrade; ``redac fix_media_permissions`` too).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

#: Top folders of MEDIA_ROOT that readers get straight from the disk (nginx) -> file, folder modes.
PUBLIC_MEDIA = {"images": (0o644, 0o755)}
#: Top folders of MEDIA_ROOT that only redac's views serve.
PRIVATE_MEDIA = {"original_images": (0o640, 0o750), "documents": (0o640, 0o750)}
STATIC_MODES = (0o644, 0o755)


def modes_for(name: str) -> tuple[int, int]:
    """(file mode, folder mode) for a media file's storage name."""
    top = name.replace("\\", "/").lstrip("/").split("/", 1)[0]
    return PUBLIC_MEDIA.get(top) or PRIVATE_MEDIA.get(top) or (0o640, 0o750)


def is_rendition(name: str) -> bool:
    """Wagtail names every rendition ``images/<name>`` (AbstractRendition.get_upload_to), in
    whichever storage holds renditions."""
    return name.replace("\\", "/").lstrip("/").startswith("images/")


class RenditionsWithoutMetadata:
    """Mixin for every storage that may receive renditions (this module's, redac.core.s3's):
    a rendition is written without any metadata (redac.core.imagemeta.strip_metadata), whoever
    writes it and wherever it goes (disk, S3)."""

    def _save(self, name, content):
        if is_rendition(name):
            from .imagemeta import strip_metadata

            content.seek(0)
            cleaned = strip_metadata(content.read())
            content = ContentFile(cleaned, name=getattr(content, "name", None) or name)
        return super()._save(name, content)


class MediaStorage(RenditionsWithoutMetadata, FileSystemStorage):
    """The file system storage, with the two rules of the module docstring applied to every file
    written, whatever writes it (Wagtail's rendition code, the admin, an importer)."""

    def _save(self, name, content):
        name = super()._save(name, content)
        file_mode, folder_mode = modes_for(name)
        path = Path(self.path(name))
        os.chmod(path, file_mode)
        folder = path.parent
        root = Path(self.location)
        if root.stat().st_mode & 0o777 != 0o755:
            os.chmod(root, 0o755)  # noqa: S103  (nginx goes through it; private folders stay shut)
        while folder != root and root in folder.parents:
            os.chmod(folder, folder_mode)
            folder = folder.parent
        return name


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, precompressed static files; a file missing from the manifest (collectstatic not yet
    run after an upgrade) is linked by its plain name instead of crashing every page. Readable by
    the web server's user (0644)."""

    manifest_strict = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("file_permissions_mode", STATIC_MODES[0])
        kwargs.setdefault("directory_permissions_mode", STATIC_MODES[1])
        super().__init__(*args, **kwargs)


def fix_permissions() -> dict[str, int]:
    """Give the files already stored the modes of the module docstring (files written before this
    rule were all 0640, so nginx running as another user answered 403 for renditions and static
    files). Returns how many files were changed, by kind."""
    changed = {"public": 0, "private": 0, "static": 0}
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        os.chmod(media, 0o755)  # noqa: S103  (nginx goes through it to images/)
        for top in media.iterdir():
            if not top.is_dir():
                continue
            file_mode, folder_mode = modes_for(top.name + "/x")
            kind = "public" if top.name in PUBLIC_MEDIA else "private"
            changed[kind] += _chmod_tree(top, file_mode, folder_mode)
    static = Path(settings.STATIC_ROOT)
    if static.is_dir():
        changed["static"] += _chmod_tree(static, *STATIC_MODES)
    return changed


def _chmod_tree(top: Path, file_mode: int, folder_mode: int) -> int:
    count = 0
    os.chmod(top, folder_mode)
    for folder, folders, files in os.walk(top):
        for name in folders:
            os.chmod(os.path.join(folder, name), folder_mode)
        for name in files:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                continue
            if os.stat(path).st_mode & 0o777 != file_mode:
                os.chmod(path, file_mode)
                count += 1
    return count
