"""``@never_cache_page``: for views whose HTML is specific to one visitor."""

from __future__ import annotations

from functools import wraps


def never_cache_page(view):
    """The response of ``view`` is never stored in the page cache nor by a CDN."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.redac_cache = False
        if "Cache-Control" not in response:
            response["Cache-Control"] = "private, no-cache"
        return response

    return wrapper
