"""The Aide menu of the admin: the newsroom's guide (docs/editors.md), in French, inside the
admin, in place of Wagtail's English guide on wagtail.org and its « What's new » link.

The guide ships with the package (``redac/newsroom/guide/editors.md`` is docs/editors.md) and is
rendered once per process with markdown-it-py (CommonMark with tables, raw HTML off), the
maintained CommonMark implementation for Python."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

GUIDE = Path(__file__).resolve().parent / "guide" / "editors.md"


@lru_cache(maxsize=1)
def rendered_guide() -> tuple[str, str]:
    """(title, HTML body) of the guide."""
    from markdown_it import MarkdownIt

    text = GUIDE.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    return title.lstrip("# ").strip(), parser.render(body)


def guide(request):
    title, body = rendered_guide()
    # Raw HTML is off in the parser: the guide's HTML is what markdown-it made of our own doc.
    return TemplateResponse(request, "newsroom/guide.html",
                            {"title": title, "body": mark_safe(body)})  # noqa: S308  # fmt: skip
