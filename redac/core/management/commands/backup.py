"""``redac backup DIR``: the database, media and the secret key's file, in a new folder
(redac.core.backup; docs/operations.md, « Back up and restore »)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from redac.core.backup import backup


class Command(BaseCommand):
    help = "Sauvegarde la base, les médias et la clé secrète dans un nouveau dossier."

    def add_arguments(self, parser):
        parser.add_argument("destination", help="a folder that does not exist yet")

    def handle(self, *args, destination, **options):
        try:
            manifest = backup(destination)
        except FileExistsError:
            raise CommandError(f"{destination} already exists: give a new folder") from None
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"backup written to {destination}: {manifest['engine']} database "
                          f"({rows} rows), media, secret key")  # fmt: skip
