"""SPIP documents and logos (files of the IMG folder) -> Wagtail images and documents."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.files import File
from wagtail.documents.models import Document as WagtailDocument
from wagtail.images.models import Image

from .. import clean
from ..readers import types as t
from .common import IMAGE_EXTENSIONS, LOGO_FILES, combine, ref, safe_join


class DocumentsImport:
    """Step « documents »."""

    def import_documents(self) -> None:
        rows = list(self.reader.documents())
        if self.img_dir is None and rows:
            self.report.warn("pas de dossier IMG (--img) : documents et logos non importés")
        for row in self._batches(rows, "documents"):
            self._import_document(row)
        # logos of SPIP < 4 are files named after the object (IMG/arton12.jpg)
        old_logos = self.site.spip_generation < 3 or (0 < self.site.schema_version < 2021000000)
        if self.img_dir is not None and old_logos:
            self._import_logo_files()

    def _import_document(self, row: t.Document) -> None:
        key = ref("document", row.id)
        is_logo = row.mode in ("logoon",)
        if row.mode == "logooff":
            return  # the hover logo: redac has no use for it
        if row.distant:
            self.report.warn(f"document {row.id} : document distant ({row.fichier[:80]}) non "
                             "copié")  # fmt: skip
            return
        if self.img_dir is None:
            return
        path = safe_join(self.img_dir, row.fichier)
        if path is None:
            self.report.warn(f"document {row.id} : chemin refusé, hors du dossier IMG "
                             f"({row.fichier[:80]!r})")  # fmt: skip
            return
        if not path.is_file():
            self.report.warn(f"document {row.id} : fichier absent (IMG/{row.fichier[:80]})")
            return
        digest = combine(t.digest(row), path.stat().st_size)
        if not self._unchanged(key, digest):
            found = self.records.get(key)
            if not self._number_free("document", row.id, None if not found else
                                     Image(pk=found[1]) if row.extension in IMAGE_EXTENSIONS
                                     else WagtailDocument(pk=found[1])):  # fmt: skip
                return
            obj = self._save_file(key, row, path)
            if obj is None:
                return
            extra = {"titre": row.title, "descriptif": row.descriptif, "credits": row.credits,
                     "fichier": row.fichier, "mode": row.mode,
                     "links": [list(link) for link in row.links]}  # fmt: skip
            # a dry run records too (rolled back): the redirects it counts are the real run's
            self._record(key, digest, obj, extra=extra)
            self.report.counts["documents"] += 1
        object_id = self.records[key][1]
        if is_logo:
            for objet, ident in row.links:
                self.logos[(objet, ident)] = object_id

    def _save_file(self, key: str, row: t.Document, path: Path):
        is_image = row.extension in IMAGE_EXTENSIONS
        model = Image if is_image else WagtailDocument
        found = self.records.get(key)
        obj = model.objects.filter(pk=found[1]).first() if found and found[1] else None
        title = clean.plain_title(row.title, self.site.lang) or path.name
        if self.dry_run:
            return model(pk=0, title=title)
        if obj is not None and row.id:
            self._keep_number("document", row.id, obj, is_new=False)
        if obj is None or obj.file.size != path.stat().st_size:
            if obj is None and row.id:
                obj = model()
                self._keep_number("document", row.id, obj, is_new=True)
            obj = obj or model()
            with open(path, "rb") as fh:
                obj.file = File(fh, name=path.name)
                obj.title = title
                if is_image:
                    obj.description = clean.plain_text(row.alt, max_length=255)
                try:
                    obj.save()
                except Exception as exc:  # a corrupt image: reported, not fatal
                    self.report.warn(f"document {row.id} : fichier illisible ({exc})")
                    return None
        else:
            obj.title = title
            if is_image:
                obj.description = clean.plain_text(row.alt, max_length=255)
            obj.save()
        return obj

    def _import_logo_files(self) -> None:
        """SPIP 1.9–3 logos: ``IMG/arton12.jpg``, ``IMG/rubon3.png``..."""
        if self.img_dir is None or not self.img_dir.is_dir():
            return
        prefixes = {prefix: objet for objet, prefix in LOGO_FILES.items()}
        for entry in sorted(os.scandir(self.img_dir), key=lambda e: e.name):
            stem, _, ext = entry.name.rpartition(".")
            if ext.lower() not in IMAGE_EXTENSIONS or not entry.is_file(follow_symlinks=False):
                continue
            for prefix, objet in prefixes.items():
                if stem.startswith(prefix) and stem[len(prefix) :].isdigit():
                    ident = int(stem[len(prefix) :])
                    row = t.Document(id=0, fichier=entry.name, extension=ext.lower(),
                                     mode="logoon", links=[(objet, ident)])  # fmt: skip
                    key = f"spip:logo:{objet}:{ident}"
                    path = safe_join(self.img_dir, entry.name)
                    if path is None:
                        continue
                    digest = combine(t.digest(row), path.stat().st_size)
                    if not self._unchanged(key, digest):
                        obj = self._save_file(key, row, path)
                        if obj is None:
                            continue
                        self._record(key, digest, obj, extra={
                            "mode": "logoon", "links": [[objet, ident]], "fichier": entry.name,
                        })  # fmt: skip
                        self.report.counts["documents"] += 1
                    self.logos[(objet, ident)] = self.records[key][1]
