"""``redac import-spip SOURCE``: take a SPIP site over whole (issue 4).

The module's file name carries the hyphen of the public command name: Django finds commands by
file name (``pkgutil.iter_modules``) and loads them with ``importlib.import_module``, which accepts
it, so ``redac import-spip`` and ``call_command("import-spip")`` both work without a mapping.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from redac.spipimport.mapping import ALL_TYPES, DEFAULT_RESERVE, Importer
from redac.spipimport.readers import UnusableSource, open_source
from redac.spipimport.readers.mysql import redact_url

TYPE_ALIASES = {"groupes_mots": "mots", "comments": "forums", "visits": "visites",
                "urls": "redirects"}  # fmt: skip


class Command(BaseCommand):
    help = (
        "Importe un site SPIP (base SQLite, sauvegarde tmp/dump/*.sqlite ou dump.xml, ou base "
        "mysql://) : rubriques, articles, brèves, auteurs, mots-clés, documents, forums, visites "
        "et anciennes adresses."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source", help="base SPIP (.sqlite), sauvegarde, ou mysql://user:pass@hôte/base"
        )
        parser.add_argument("--img", dest="img_dir", help="le dossier IMG/ du site SPIP")
        parser.add_argument("--site-url", default="", help="l'ancienne adresse du site SPIP")
        parser.add_argument("--dry-run", action="store_true",
                            help="tout vérifier et compter, sans rien enregistrer")  # fmt: skip
        parser.add_argument("--only", default="",
                            help=f"types à importer, séparés par des virgules : {', '.join(ALL_TYPES)}")  # fmt: skip
        parser.add_argument(
            "--since", default="", help="seulement ce qui date de ce jour (AAAA-MM-JJ) ou après"
        )
        parser.add_argument("--with-trash", action="store_true",
                            help="importer aussi les articles à la poubelle (en brouillon)")  # fmt: skip
        parser.add_argument(
            "--report", dest="report_file", help="écrire le rapport en JSON dans ce fichier"
        )
        parser.add_argument(
            "--reserve", type=int, default=DEFAULT_RESERVE,
            help="numéros réservés au site SPIP au-delà de ses plus grands, tant qu'il est "
                 f"réimporté : les nouveaux contenus de redac sont numérotés après "
                 f"(défaut {DEFAULT_RESERVE})",
        )  # fmt: skip

    def handle(self, *args, **options):
        only = self._only(options["only"])
        since = self._since(options["since"])
        img_dir = options.get("img_dir")
        if img_dir and not Path(img_dir).is_dir():
            self._fail(f"{img_dir} : dossier IMG introuvable")
        source = options["source"]
        try:
            reader = open_source(source)
        except UnusableSource as exc:
            self._fail(str(exc))
        progress = self._progress if sys.stderr.isatty() and options["verbosity"] > 0 else None
        label = redact_url(source)
        self.stdout.write(f"Import de {label} (SPIP, schéma {reader.site.schema_version or '1.9/2'},"
                          f" préfixe {reader.site.prefix})" + (" — simulation" if options["dry_run"] else ""))  # fmt: skip
        try:
            importer = Importer(reader, img_dir=img_dir, site_url=options["site_url"],
                                dry_run=options["dry_run"], only=only, since=since,
                                with_trash=options["with_trash"], progress=progress,
                                reserve=options["reserve"])  # fmt: skip
            report = importer.run()
        except UnusableSource as exc:
            self._fail(str(exc))
        finally:
            reader.close()
        if progress:
            sys.stderr.write("\n")
        data = report.as_json()
        for key in ("rubriques", "articles", "breves", "auteurs", "groupes_mots", "mots",
                    "documents", "forums", "visits_days", "redirects", "slugs_updated"):  # fmt: skip
            self.stdout.write(f"  {key:<13} {data[key]}")
        if report.skipped_unchanged:
            self.stdout.write(f"  inchangés     {report.skipped_unchanged}")
        for warning in report.warnings:
            self.stdout.write(f"  attention : {warning}")
        for link in report.unresolved_links:
            self.stdout.write(f"  lien introuvable : {link}")
        for link in report.links_to_trashed:
            self.stdout.write(f"  lien vers un objet à la poubelle (affiché sans lien) : {link}")
        self.stdout.write(f"Terminé en {data['seconds']:.1f} s.")
        if options.get("report_file"):
            Path(options["report_file"]).write_text(
                json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )

    def _fail(self, message: str):
        # One clear line and exit status 2 ("unusable input"), never a traceback.
        self.stderr.write(f"redac import-spip : {message}")
        raise SystemExit(2)

    def _only(self, raw: str) -> set[str] | None:
        if not raw:
            return None
        chosen = set()
        for name in (part.strip().lower() for part in raw.split(",") if part.strip()):
            name = TYPE_ALIASES.get(name, name)
            if name not in ALL_TYPES:
                raise CommandError(
                    f"--only : type inconnu « {name} » (types : {', '.join(ALL_TYPES)})"
                )
            chosen.add(name)
        return chosen

    def _since(self, raw: str) -> dt.datetime | None:
        if not raw:
            return None
        try:
            return dt.datetime.fromisoformat(raw)
        except ValueError:
            raise CommandError(f"--since : date invalide « {raw} » (attendu AAAA-MM-JJ)")

    @staticmethod
    def _progress(kind: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r  {kind:<13} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
