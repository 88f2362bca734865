"""The public search page, ``/recherche/?q=``: thin view over ``services.search``."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .forms import SearchForm
from .services import search


@require_safe
def search_page(request):
    form = SearchForm(request.GET if request.GET else None)
    results = None
    if form.is_bound:
        form.is_valid()  # invalid filters are dropped, the query still runs
        query = form.query()
        if query:
            results = search(query, form.filters(), request.GET.get("page", "1"))
    # Pagination links keep the query and filters; urlencode escapes them.
    params = request.GET.copy()
    params.pop("page", None)
    page_query = params.urlencode() + "&" if params else ""
    context = {"form": form, "results": results, "page_query": page_query,
               "query": form.query() if form.is_bound else ""}  # fmt: skip
    response = render(request, "search/search_page.html", context)
    # Result pages are per-query and not worth caching or indexing (robots.txt disallows them).
    patch_cache_control(response, private=True, max_age=0)
    response.headers["X-Robots-Tag"] = "noindex"
    return response
