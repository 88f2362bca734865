from django.core.management.base import BaseCommand

from redac.search.index import rebuild


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche à partir de tout ce que les lecteurs peuvent voir."

    def handle(self, *args, **options):
        counts = rebuild()
        summary = ", ".join(f"{kind} : {count}" for kind, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Index reconstruit ({summary})."))
