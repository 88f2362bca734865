"""Media on S3-compatible object storage (docs/scaling.md), through django-storages.

Media are split by who may read them:

- **originals** (uploaded images and documents, restricted documents included) are private
  objects reached only through signed URLs that expire (:class:`PrivateMediaStorage`, the default
  storage). Readers never get them from a cached page: documents are linked as ``/documents/…``,
  which checks view restrictions, then redirects to a fresh signed URL;
- **renditions** (the resized images pages show), written without metadata as on disk
  (redac.core.storage.RenditionsWithoutMetadata), are public objects with unsigned URLs at
  ``MEDIA_URL`` (:class:`PublicRenditionStorage`, named by ``WAGTAILIMAGES_RENDITION_STORAGE``), so
  a cached page or a CDN may keep their addresses as long as it likes, and ``MEDIA_URL`` may be a
  custom domain or a CDN in front of the bucket.

A page that nevertheless holds a signed URL is never cached for longer than that URL lives
(redac.delivery.wsgi.signed_url_expiry).

Importing this module needs django-storages (``pip install 'django-storages[s3]'``).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .storage import RenditionsWithoutMetadata


class PrivateMediaStorage(RenditionsWithoutMetadata, S3Storage):
    """Originals: private objects, signed URLs valid ``querystring_expire`` seconds (3600)."""

    def get_default_settings(self):
        return {**super().get_default_settings(), "default_acl": "private",
                "querystring_auth": True, "custom_domain": None, "file_overwrite": False}  # fmt: skip


class PublicRenditionStorage(RenditionsWithoutMetadata, S3Storage):
    """Renditions: public-read objects under ``location`` (``renditions`` unless set), unsigned URLs
    at ``MEDIA_URL`` + key when ``MEDIA_URL`` is absolute (``https://media.example.org/``: the
    bucket's public address, its custom domain or a CDN), else at the storage's own address."""

    def get_default_settings(self):
        return {**super().get_default_settings(), "default_acl": "public-read",
                "querystring_auth": False, "location": "renditions"}  # fmt: skip

    def url(self, name, parameters=None, expire=None, http_method=None):
        base = settings.MEDIA_URL or ""
        if base.startswith(("https://", "http://")):
            key = self._normalize_name(clean_name(name))
            return base.rstrip("/") + "/" + filepath_to_uri(key)
        return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
