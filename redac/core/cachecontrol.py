"""Cache-Control helpers for responses that must never be shared between readers."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers


def uncacheable(response):
    """``Cache-Control: private, no-store`` and ``Vary: Cookie``: for a page carrying a CSRF token
    or a personal link, which the page cache and any CDN must never hand to another reader."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response
