"""Step « evenements »: the events of SPIP's « Agenda » plugin (redac.agenda)."""

from __future__ import annotations

from django.apps import apps

from .common import ref


class AgendaImport:
    """Step « evenements »."""

    def import_evenements(self) -> None:
        """``spip_evenements`` become event pages filed in the section of their article (SPIP
        attaches events to articles), with their keywords (``spip_mots_liens``, objet
        ``evenement``); drafts stay drafts, the bin is left out, each repetition stays its own
        event (redac.agenda.spip). A re-run updates the same pages."""
        if not apps.is_installed("redac.agenda"):
            return
        rows = self.reader.evenements()
        if not rows:
            return
        from wagtail.models import Page

        from redac.agenda.spip import import_events, read_events
        from redac.news.models import Keyword

        events = read_events(rows, self.reader.links("mot", "evenement"))
        article_pages = {int(key.rsplit(":", 1)[1]): object_id
                         for key, (_d, object_id) in self.records.items()
                         if key.startswith("spip:article:") and object_id}  # fmt: skip
        keywords = Keyword.objects.in_bulk(list(self.keyword_ids.values()))

        def parent_for_article(article_id: int):
            page_id = article_pages.get(article_id)
            if page_id is None:
                return None
            page = Page.objects.filter(pk=page_id).first()
            return page.get_parent().specific if page is not None else None

        def keyword_for(id_mot: int):
            return keywords.get(self.keyword_ids.get(id_mot))

        pages = import_events(events, parent_for_article=parent_for_article,
                              keyword_for=keyword_for)  # fmt: skip
        for ident, page in pages.items():
            # its old addresses (``spip.php?page=evenement&id_evenement=N``) follow the record
            self._record(ref("evenement", ident), "", page, status="publie" if page.live else "")
        self.report.counts["evenements"] += len(pages)
        missing = len(events) - len(pages)
        if missing:
            self.report.warn(f"{missing} évènement(s) de l'agenda dont l'article n'est pas "
                             "importé : non repris")  # fmt: skip
