"""Turn what the readers return into redac's models: the SPIP import itself.

Two passes, as the issue asks:

1. every SPIP object becomes a redac object (sections, articles, brèves, authors, keywords,
   images/documents, forum messages, visit history) carrying ``import_ref`` = ``spip:<type>:<id>``
   and an :class:`ImportRecord` with the fingerprint of its source row;
2. every text of the objects created or changed by this run is rendered once with
   ``redac.typo`` and a recording resolver, which lists the internal references (``[->art12]``,
   ``<doc3>``) that point at nothing, and the texts the engine could not render.

Texts are stored as SPIP markup (the public site renders them through the ``|spip`` filter with
:class:`~redac.spipimport.resolver.ImportedObjectsResolver`), so pass 2 never rewrites them: the
references keep working because the resolver maps SPIP ids to imported objects at render time.

Idempotence and resumption: objects are written in batches, each batch in one transaction with
the objects' records; a re-run skips rows whose fingerprint is unchanged, updates the others and
never creates an object twice (the object is found by its ``import_ref``). ``kill -9`` loses at
most the batch in progress, which the next run redoes.

Speed (bench/import.py): what costs per object in Wagtail and Django is done once per batch or
once per run instead, never at the price of a tree or an index left wrong: new pages are appended
to the tree by :class:`_TreeAppender` (parent counters, bylines, keywords, audit entries and
import records written in bulk at the end of the batch, in its transaction); the search indexes
(Wagtail's and the site's) and the reference index are written in bulk at the end of the run; the
page cache, which every author or keyword save would empty, is emptied once when the run ends
(``redac.delivery.invalidation.deferred``).

Forum messages become reader comments (``redac.comments.services.import_comments``) and the visit
history goes to ``redac.visits`` (``import_histories``): both are idempotent (set, not add).

The import is one :class:`Importer` put together from one module per SPIP object kind (each a
step of the run, in this order): ``keywords``, ``authors``, ``documents``, ``sections``,
``items`` (articles and brèves, one path for both), ``forums``, ``petitions``, ``evenements``, ``visits``, ``redirects``, then
``texts`` (pass 2). ``base`` holds the run's state and the plumbing every step uses (records,
batches, slugs, page saves, SPIP numbers); ``wagtail_bulk`` the Wagtail bookkeeping done in bulk
(tree appends, reference index), guarded by tests against Wagtail's own; ``common`` the report
and small helpers.
"""

from .agenda import AgendaImport
from .authors import AuthorsImport
from .base import ImporterBase
from .common import ALL_TYPES, DEFAULT_RESERVE, Report, aware, ref, safe_join
from .documents import DocumentsImport
from .forums import ForumsImport, forum_text
from .items import ItemsImport
from .keywords import KeywordsImport
from .petitions import PetitionsImport
from .redirects import RedirectsImport
from .sections import SectionsImport
from .texts import TextsCheck
from .visits import VisitsImport


class Importer(
    KeywordsImport,
    AuthorsImport,
    DocumentsImport,
    SectionsImport,
    ItemsImport,
    ForumsImport,
    PetitionsImport,
    AgendaImport,
    VisitsImport,
    RedirectsImport,
    TextsCheck,
    ImporterBase,
):
    """A SPIP site -> redac, in one run (:meth:`~ImporterBase.run`): see the module's docstring."""


__all__ = [
    "ALL_TYPES",
    "DEFAULT_RESERVE",
    "Importer",
    "Report",
    "aware",
    "forum_text",
    "ref",
    "safe_join",
]
