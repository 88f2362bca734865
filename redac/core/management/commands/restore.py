"""``redac restore DIR``: put a backup of ``redac backup`` back into this site (stopped), check
its row counts, then apply the migrations of the installed code."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from redac.core.backup import restore


class Command(BaseCommand):
    help = "Restaure une sauvegarde de « redac backup » (site arrêté)."

    def add_arguments(self, parser):
        parser.add_argument("source")

    def handle(self, *args, source, **options):
        try:
            differences = restore(source)
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if differences:
            raise CommandError(f"row counts differ after the restore (backup, now): {differences}")
        self.stdout.write(f"restored {source}: every table has its rows back")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("migrations applied")
