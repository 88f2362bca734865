"""The newsroom's content: sections (SPIP rubriques), articles, brèves, authors and keywords.

Field names follow SPIP's vocabulary where it is the domain's own (surtitre, chapo, brève) so that an
editor coming from SPIP, and the importer, find each field where they expect it.

One module per concept; everything is importable from here (``from redac.news.models import X``):

- :mod:`.taxonomy`: authors (bylines) and keywords in their groups;
- :mod:`.visibility`: :func:`published`, the one definition of what readers may see;
- :mod:`.routing`: the page at an address, its ancestors, in one query;
- :mod:`.queries`: the reader path's prepared queries about one item (byline, keywords, neighbours);
- :mod:`.listings`: what listing cards show (comment counts, bylines) and pagination;
- :mod:`.pages`: the page types;
- ``redac.news.numbers``: SPIP numbers (« Article n° 19 »).
"""

from ..numbers import SpipNumber, SpipNumberCounter
from .listings import LISTING_PAGE_SIZE, paginate, with_comment_counts, with_listing_relations
from .pages import (
    LANGUAGE_CHOICES,
    ArticleAuthor,
    ArticlePage,
    AuthorLinkBase,
    BasePage,
    BreveAuthor,
    BreveIndexPage,
    BrevePage,
    CommentsMode,
    HomePage,
    NewsItemMixin,
    SectionPage,
    StandardPage,
    _latest,
    published_authors,
)
from .queries import (
    NEIGHBOUR_FIELDS,
    _byline_query,
    _children,
    _held_in_memory,
    _keywords_query,
    _neighbour_query,
)
from .routing import (
    NOT_FOUND,
    _page_by_id,
    _route_query,
    _specific,
    display_ancestors,
    route_in_one_query,
)
from .taxonomy import Author, Keyword, KeywordGroup, KeywordManager, unique_slug
from .visibility import (
    NewsPageManager,
    NewsPageQuerySet,
    _read_restricted_paths,
    children_interval,
    published,
    published_children,
    restricted_paths,
)

__all__ = [
    "LANGUAGE_CHOICES",
    "LISTING_PAGE_SIZE",
    "NEIGHBOUR_FIELDS",
    "NOT_FOUND",
    "ArticleAuthor",
    "ArticlePage",
    "Author",
    "AuthorLinkBase",
    "BasePage",
    "BreveAuthor",
    "BreveIndexPage",
    "BrevePage",
    "CommentsMode",
    "HomePage",
    "Keyword",
    "KeywordGroup",
    "KeywordManager",
    "NewsItemMixin",
    "NewsPageManager",
    "NewsPageQuerySet",
    "SectionPage",
    "SpipNumber",
    "SpipNumberCounter",
    "StandardPage",
    "_byline_query",
    "_children",
    "_held_in_memory",
    "_keywords_query",
    "_latest",
    "_neighbour_query",
    "_page_by_id",
    "_read_restricted_paths",
    "_route_query",
    "_specific",
    "children_interval",
    "display_ancestors",
    "paginate",
    "published",
    "published_authors",
    "published_children",
    "restricted_paths",
    "route_in_one_query",
    "unique_slug",
    "with_comment_counts",
    "with_listing_relations",
]
