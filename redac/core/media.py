"""Uploaded media in production: image renditions are public, originals are not (cases 29, 43).

Wagtail writes originals to ``media/original_images/`` and the resized copies that pages embed
(renditions, re-encoded, without EXIF) to ``media/images/``; documents live in
``media/documents/`` but are always served through Wagtail's ``/documents/<id>/<name>`` view,
which applies privacy and collection restrictions and sets ``Content-Disposition``. So the public
may read ``/media/images/`` and nothing else under ``/media/``: an original keeps the full
resolution, and whatever metadata a future format brings, and a document read by its storage path
would skip its restrictions.

Served by Django's ``static.serve`` (path normalised and confined to the folder, conditional GET)
rather than by whitenoise, which indexes files at start-up and so never sees a rendition made
afterwards. A site with traffic lets nginx or the CDN serve ``/media/images/`` (docs/operations.md);
with an S3 storage the URLs point at the bucket and these views are not used.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.static import serve

#: Rendition names carry their filter spec; a re-cropped image gets a new name, so a day is safe.
RENDITION_MAX_AGE = 24 * 3600


def _serve_confined(request, path, folder):
    """``static.serve`` answers 400 to a path that climbs out of its folder; to a reader every
    such path is simply not there (security case 28)."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT / folder)
    except SuspiciousFileOperation:
        raise Http404 from None


def rendition(request, path):
    response = _serve_confined(request, path, "images")
    patch_cache_control(response, public=True, max_age=RENDITION_MAX_AGE)
    return response


def original_image(request, path):
    """Editors still open originals from the admin; for anybody else they do not exist (404, not
    403: the answer must not confirm that a guessed file name exists)."""
    user = request.user
    if not (user.is_authenticated and user.has_perm("wagtailadmin.access_admin")):
        raise Http404
    response = _serve_confined(request, path, "original_images")
    patch_cache_control(response, private=True, max_age=0)
    return response


#: The admin's image preview renders any filter spec an editor types (Wagtail's
#: ``/admin/images/<id>/preview/<spec>/``). A spec is a short chain of operations with sizes a
#: screen could show; anything beyond is refused before Willow runs (security case 42).
PREVIEW_MAX_OPERATIONS = 3
PREVIEW_MAX_DIMENSION = 4000


def bounded_image_preview(request, image_id, filter_spec):
    """Mounted before Wagtail's admin URLs, so it is not wrapped by them: it checks admin access
    itself (a reader is sent to the login page, like everywhere under /admin/), then the spec,
    then Wagtail's view checks the user's right on the image's collection (security case 52)."""
    from wagtail.admin.auth import require_admin_access

    return require_admin_access(_bounded_image_preview)(request, image_id, filter_spec)


def _bounded_image_preview(request, image_id, filter_spec):
    import re

    from django.http import HttpResponseBadRequest
    from wagtail.images.views.images import preview

    operations = filter_spec.split("|")
    numbers = [int(n) for n in re.findall(r"\d+", filter_spec)]
    if len(operations) > PREVIEW_MAX_OPERATIONS or any(n > PREVIEW_MAX_DIMENSION for n in numbers):
        return HttpResponseBadRequest("Invalid filter spec", content_type="text/plain")
    return preview(request, image_id, filter_spec)
