"""Delivery: the full-page cache in front of Django, its precise invalidation, static publishing.

How a reader's request flows (redac/wsgi.py wraps Django in :class:`redac.delivery.wsgi.CachedApp`):

1. An anonymous GET/HEAD (no session or messages cookie, no query string other than ``?page=N``,
   not under ``/admin/``, ``/api/``, ``/documents/``, ``/static/`` or ``/media/``) is looked up in
   the page cache by host + path + page number. A hit is answered from bytes and headers stored
   with the entry (gzip and brotli precompressed once), before any Django code runs.
2. A miss goes through Django. :class:`redac.delivery.middleware.DeliveryMiddleware` decides
   whether the response may be shared and says so to the WSGI layer; the WSGI layer stores it.

The rule for other apps: a response is shared with every reader unless it says otherwise.
A view or page whose HTML is specific to one visitor must do ONE of these:

- set ``response.redac_cache = False`` (or decorate the view with
  :func:`redac.delivery.decorators.never_cache_page`);
- send ``Cache-Control: private`` or ``no-store`` (Django's ``never_cache`` does);
- set a cookie (any ``Set-Cookie`` makes the response private);
- render ``{% csrf_token %}`` (Django then sets the CSRF cookie, which makes it private).
  Prefer instead to keep form pages cacheable: mark the form ``data-redac-csrf`` and leave the
  token out; ``redac/delivery/csrf.js`` fetches a token from ``/api/csrf/`` when the reader
  submits (see docs/performance.md).

Anything under ``/api/`` is never cached, whatever it sends. Only 200 responses (and 404/410 for
a short time) of HTML, XML, JSON feeds and plain text are stored; errors never.

What must be invalidated when content changes is computed by :mod:`redac.delivery.invalidation`
from Wagtail's signals and from what content apps declare in :mod:`redac.core.signals` (site-wide
models, clock moments, URLs derived from pages such as feeds and sitemaps, listing pages,
``content_changed``). Delivery names no content type: a new one registers there, in its app.
"""
