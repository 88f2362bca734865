"""SPIP keyword groups and keywords (« groupes de mots », « mots-clés »)."""

from __future__ import annotations

from redac.news.models import Keyword, KeywordGroup

from .. import clean
from ..readers import types as t
from .common import ref


class KeywordsImport:
    """Step « mots »."""

    def import_keywords(self) -> None:
        groups = list(self.reader.keyword_groups())
        group_ids: dict[int, int] = {}
        for row in self._batches(groups, "groupes_mots"):
            key, digest = ref("groupe", row.id), t.digest(row)
            if self._unchanged(key, digest):
                group_ids[row.id] = self.records[key][1]
                continue
            group = self._existing(KeywordGroup, key) or KeywordGroup(import_ref=key)
            group.name = clean.plain_title(row.title, self.site.lang, max_length=200) or \
                f"Groupe {row.id}"  # fmt: skip
            group.description = clean.clean_text(row.descriptif or row.texte)
            group.save()
            self._record(key, digest, group)
            group_ids[row.id] = group.pk
            self.report.counts["groupes_mots"] += 1
        keywords = list(self.reader.keywords())
        fallback = None
        for row in self._batches(keywords, "mots"):
            key, digest = ref("mot", row.id), t.digest(row)
            if self._unchanged(key, digest):
                self.keyword_ids[row.id] = self.records[key][1]
                continue
            group_id = group_ids.get(row.group_id)
            if group_id is None:
                if fallback is None:
                    fallback, _ = KeywordGroup.objects.get_or_create(
                        import_ref="spip:groupe:0", defaults={"name": "Mots sans groupe"}
                    )
                group_id = fallback.pk
                self.report.warn(f"mot {row.id} : groupe {row.group_id} absent, classé dans "
                                 "« Mots sans groupe »")  # fmt: skip
            keyword = self._existing(Keyword, key) or Keyword(import_ref=key)
            keyword.group_id = group_id
            keyword.name = clean.plain_title(row.title, self.site.lang, max_length=200) or \
                f"Mot {row.id}"  # fmt: skip
            keyword.description = clean.clean_text(row.descriptif or row.texte)
            keyword.save()
            self._record(key, digest, keyword)
            self.keyword_ids[row.id] = keyword.pk
            self.report.counts["mots"] += 1
        self._load_keyword_ids()

    def _keywords(self, spip_ids: list[int]) -> list[Keyword]:
        if self._keyword_objs is None:
            self._keyword_objs = Keyword.objects.in_bulk(list(self.keyword_ids.values()))
        objs = (self._keyword_objs.get(self.keyword_ids.get(k)) for k in spip_ids)
        return [obj for obj in objs if obj is not None]

    def _load_keyword_ids(self) -> None:
        for key, (_d, object_id) in self.records.items():
            if key.startswith("spip:mot:") and object_id is not None:
                self.keyword_ids.setdefault(int(key.rsplit(":", 1)[1]), object_id)
