"""Pass 2: the imported texts' internal links, checked (unresolved, or leading to the trash)."""

from __future__ import annotations

from django.db import transaction

from ..models import ImportRecord
from ..resolver import RecordingResolver


class TextsCheck:
    """Pass 2, after every step."""

    def check_texts(self) -> None:
        try:
            from redac.typo import render
        except ImportError:
            if self.changed_texts:
                self.report.warn("moteur de texte (redac.typo) indisponible : liens internes "
                                 "non vérifiés")  # fmt: skip
            return
        known = {key for key, (_d, object_id) in self.records.items() if object_id is not None}
        known |= self.virtual_published  # they answer: a 301 to their target

        def exists(target: str) -> bool:
            return target in known

        # texts rendered by this run: their references, noted on their import records so that
        # the next run re-checks them without rendering the texts again
        checked: dict[str, list[str]] = {}
        for source_ref, lang, texts in self.changed_texts:
            recorder = RecordingResolver(lambda target: True)
            for text in texts:
                if not text:
                    continue
                try:
                    render(text, lang=lang, resolver=recorder)
                except Exception as exc:  # the engine must never stop an import
                    self.report.warn(f"{source_ref} : texte illisible ({type(exc).__name__})")
            checked[source_ref] = list(dict.fromkeys(recorder.seen))
        if checked and not self.dry_run:
            keys = list(checked)
            for start in range(0, len(keys), 500):
                with transaction.atomic():
                    records = list(ImportRecord.objects.filter(ref__in=keys[start : start + 500]))
                    for record in records:
                        record.extra = {**(record.extra or {}), "refs": checked[record.ref]}
                    ImportRecord.objects.bulk_update(records, ["extra"], batch_size=250)
        refs_by_source = {key: extra.get("refs", []) for key, extra in self.extras.items()
                          if extra.get("refs")}  # fmt: skip
        refs_by_source.update(checked)
        seen: set[str] = set()
        for source_ref in sorted(refs_by_source, key=_ref_order):
            if source_ref not in known:
                continue  # not imported (any more): its links are nobody's
            for target in refs_by_source[source_ref]:
                if exists(target):
                    continue
                entry = f"{source_ref} -> {target}"
                if entry in seen:
                    continue
                seen.add(entry)
                if target in self.trashed_refs:
                    self.report.links_to_trashed.append(entry)
                else:
                    self.report.unresolved_links.append(entry)


def _ref_order(key: str):
    kind, _, ident = key.partition(":")[2].partition(":")
    return (kind, int(ident) if ident.isdigit() else 0, key)
