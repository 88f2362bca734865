"""SPIP forum messages -> reader comments."""

from __future__ import annotations

import re

from django.db import transaction
from wagtail.models import Page

from .. import clean
from ..readers import types as t
from .common import BATCH_SIZE, aware, ref

_FORUM_LINK = re.compile(r"\[([^\[\]]*?)->\s*([^\]\s]+)\s*\]")


def forum_text(raw: str) -> str:
    """A SPIP forum message (SPIP markup) as the plain text a comment holds: ``[texte->url]``
    keeps its address in brackets (comments turn bare http(s) addresses into links), the rest of
    the markup and any HTML is dropped."""
    import html as html_lib

    import nh3

    from redac.news.text import spip_plain

    def link(match: re.Match) -> str:
        label, url = match.group(1).strip(), clean.safe_url(match.group(2), schemes=("http",
                                                                                     "https"))  # fmt: skip
        if not url:
            return label
        return f"{label} ({url})" if label and label != url else url

    text = _FORUM_LINK.sub(link, clean.clean_text(raw))
    text = spip_plain(text)
    return html_lib.unescape(nh3.clean(text, tags=set(), attributes={})).strip()


class ForumsImport:
    """Step « forums »."""

    def import_forums(self) -> None:
        """SPIP forum messages become reader comments (``redac.comments``), threaded, with their
        statuses: publie -> published, prop -> pending, off -> rejected, spam -> spam. SPIP's
        private forums (``priv*``: discussions between editors in the back office) are not
        reader comments and are not imported (the report counts them)."""
        from redac.comments.models import Comment
        from redac.comments.services import ImportedForumMessage as Message
        from redac.comments.services import import_comments, spip_comment_status

        rows = list(self.reader.forums())
        page_ids = {}
        for key, (_d, object_id) in self.records.items():
            if key.split(":")[1] in ("article", "breve", "rubrique"):
                page_ids[key] = object_id
        private = 0
        for start in range(0, len(rows), BATCH_SIZE):
            with transaction.atomic():
                self._in_batch = True
                try:
                    messages, keys = [], {}
                    for row in rows[start : start + BATCH_SIZE]:
                        key, digest = ref("forum", row.id), t.digest(row)
                        if self._too_old(row.date) or self._unchanged(key, digest):
                            continue
                        if spip_comment_status(row.status) is None:
                            private += 1
                            continue
                        page_id = page_ids.get(ref(row.objet or "site", row.object_id))
                        if page_id is None:
                            self.report.warn(f"forum {row.id} : {row.objet or 'objet'} "
                                             f"{row.object_id} non importé, message non repris")  # fmt: skip
                            continue
                        messages.append(Message(
                            id_forum=row.id, page=Page(pk=page_id),
                            author_name=clean.plain_text(row.author_name, max_length=255),
                            body=forum_text(row.texte),
                            title=clean.plain_title(row.title, self.site.lang),
                            statut=row.status, date=aware(row.date),
                            author_email=row.author_email, ip=row.ip, id_parent=row.parent_id,
                        ))  # fmt: skip
                        keys[key] = (digest, row.status)
                    import_comments(messages, announce=False)
                    ids = dict(Comment.objects.filter(import_ref__in=list(keys))
                               .values_list("import_ref", "pk"))  # fmt: skip
                    for key, (digest, status) in keys.items():
                        self._record(key, digest, Comment(pk=ids[key]), status=status)
                        self.report.counts["forums"] += 1
                    self._flush()
                finally:
                    self._in_batch = False
            self.progress("forums", min(start + BATCH_SIZE, len(rows)), len(rows))
        if private:
            self.report.warn(f"{private} message(s) de forums privés (espace privé de SPIP) "
                             "non repris : ce ne sont pas des commentaires de lecteurs")  # fmt: skip
