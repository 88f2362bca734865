"""``redac purge_visits``: the retention of audience data (docs/privacy.md). Run it daily until
the in-process scheduler runs it by itself."""

from django.core.management.base import BaseCommand

from redac.visits.services import purge_visits


class Command(BaseCommand):
    help = (
        "Supprime les séries quotidiennes et provenances de plus de 25 mois, et les clés de "
        "visiteurs des jours passés (à lancer chaque jour)."
    )

    def handle(self, *args, **options):
        deleted = purge_visits()
        self.stdout.write(
            "visites : supprimé {daily_pages} ligne(s) par page, {daily_site} ligne(s) du site, "
            "{referrers} provenance(s), {visitor_keys} clé(s) de visiteur".format(**deleted)
        )
