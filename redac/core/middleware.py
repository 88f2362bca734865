"""Security headers on every response, and a method allow-list.

Django sets nosniff, Referrer-Policy, COOP, HSTS and X-Frame-Options itself (settings.py). This adds
what Django 5.2 lacks: a Content-Security-Policy and a Permissions-Policy. It is our own twenty lines
rather than django-csp because the policy depends on the path (the public theme runs no inline
script at all; Wagtail's admin still needs inline styles) and must be applied to cached responses
byte-for-byte the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext as _

from redac.core.embeds import frame_origins


def public_csp(origins: tuple[str, ...]) -> str:
    """Public pages: no inline script or style, no plugins, and frames only from the site's embed
    providers (``REDAC_EMBED_PROVIDERS``; an iframe is built there only when a reader asks for
    it, redac.core.embeds). ``redac csp`` prints the value for a proxy that serves published
    pages (docs/deploy/nginx.conf)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' https:",
            "font-src 'self'",
            "connect-src 'self'",
            "media-src 'self' https:",
            f"frame-src {' '.join(origins)}" if origins else "frame-src 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


#: The policy of this site's public pages (settings are read once: the list is an env var).
PUBLIC_CSP = public_csp(frame_origins())
#: The editors' admin: Wagtail still ships inline styles; scripts stay same-origin.
ADMIN_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "frame-src 'self' https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
ALLOWED_METHODS = ("GET", "HEAD", "POST")


def is_admin_path(path: str) -> bool:
    return path.startswith(("/admin/", "/django-admin/"))


#: Header values that mean "no value" once Django turned a Python ``None`` into text.
_NO_VALUE = ("None", "")


class NoEmptyHeadersMiddleware:
    """No response leaves with a header whose value is ``None`` (outermost middleware, so it sees
    every response: views, Wagtail's document server, whitenoise, error pages).

    Django writes ``str(value)`` for a header, so ``response["Content-Encoding"] = None`` -- what
    Wagtail's document server does for every file whose name does not end in .gz (it copies
    ``mimetypes.guess_type``) -- sends ``Content-Encoding: None``: a client or proxy that takes
    it at its word fails to decode the file. A header that says nothing is dropped, whoever set
    it; the page cache stores the responses after this, so cached copies carry none either."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for name in [name for name, value in response.items() if value.strip() in _NO_VALUE]:
            del response[name]
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # TRACE, PUT, OPTIONS... have no meaning on this site (security case 32).
        if request.method not in ALLOWED_METHODS:
            response = HttpResponseNotAllowed(ALLOWED_METHODS)
        else:
            response = self.get_response(request)
        admin = is_admin_path(request.path)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = ADMIN_CSP if admin else PUBLIC_CSP
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if admin:
            response["X-Frame-Options"] = "DENY"
        elif settings.X_FRAME_OPTIONS == "DENY":
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response


class RequestBodyLimitMiddleware:
    """Answer 413 from the declared ``Content-Length`` alone, before anything reads the body
    (security case 39, cf. Wagtail CVE-2023-28837).

    Django bounds the non-file fields of a form (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but streams any
    file part to a temporary file whatever its size, and Wagtail compares the size with
    ``WAGTAIL*_MAX_UPLOAD_SIZE`` only once the whole file is on disk. Upload endpoints of the admin
    get the upload limit plus room for the multipart envelope; every other URL gets the largest
    of the limits, so no endpoint accepts a 2 GB body. A body sent without a length (chunked)
    is bounded by the proxy in front (``client_max_body_size``, docs/operations.md)."""

    #: Multipart envelope and the form's other fields.
    MARGIN = 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def limit_for(path: str) -> int:
        images = getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", None) or 0
        documents = getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None) or 0
        if path.startswith("/admin/images/"):
            return images + RequestBodyLimitMiddleware.MARGIN
        if path.startswith("/admin/documents/"):
            return documents + RequestBodyLimitMiddleware.MARGIN
        return max(images, documents, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) + (
            RequestBodyLimitMiddleware.MARGIN
        )

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limit_for(request.path):
            response = HttpResponse(
                _("Le fichier envoyé est trop volumineux.") + "\n",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
            # The unread body must not be taken for the next request on a kept-alive connection.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
