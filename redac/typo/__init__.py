"""SPIP markup ("raccourcis typographiques") to safe HTML, with French typography.

Pure Python (no Django): :func:`propre` for article bodies, :func:`typo` for titles,
:func:`render` for the body and its notes block, :func:`plain` for summaries and search.
Behaviour follows SPIP 4.3.5 with the textwheel plugin; differences are listed in
``docs/spip-compatibility.md``.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from .engine import Rendered, propre, render, typo
from .plain import couper, plain

ObjectKind = Literal["article", "breve", "rubrique", "auteur", "mot", "document", "site"]
DocumentKind = Literal["doc", "img", "emb"]


@runtime_checkable
class Resolver(Protocol):
    """What the caller provides to resolve internal links and document models.

    ``link(kind, id)`` — ``kind`` is one of ``ObjectKind`` (and, optionally supported,
    ``"forum"`` for ``[->forum3]``) — returns ``(url, title)`` for an existing object — optionally a
    third item, the object's language, which gives ``hreflang`` when it differs from the
    page language — or ``None`` when the object is missing: the link is then rendered as
    SPIP renders links to missing objects (``spip.php?article9999``, no class; missing
    documents keep their shortcut as URL). ``(None, title)`` says the object exists but readers
    have no address for it (a draft, a trashed object): the link's text is shown without a link.

    ``document(id, *, align, kind)`` returns the HTML block for ``<docN|align>``,
    ``<imgN>`` or ``<embN>`` (``kind`` is ``"doc"``, ``"img"`` or ``"emb"``, ``align`` is
    ``"left"``, ``"right"``, ``"center"`` or ``""``), or ``None`` when the document is
    missing (the shortcut then disappears, as in SPIP).  The HTML is sanitised with the
    engine's allow-list like everything else.
    """

    def link(
        self, kind: ObjectKind, id: int
    ) -> tuple[str | None, str] | tuple[str, str, str] | None: ...

    def document(self, id: int, *, align: str, kind: DocumentKind) -> str | None: ...


__all__ = ["Rendered", "Resolver", "couper", "plain", "propre", "render", "typo"]
