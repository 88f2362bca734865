"""``redac fix_media_permissions``: give stored media and static files the modes of
redac.core.storage (renditions and static files readable by the web server's user, originals and
documents private). ``redac migrate`` runs it once on upgrade (migration core.0005); run it again
after copying media from a backup."""

from django.core.management.base import BaseCommand

from redac.core.storage import fix_permissions


class Command(BaseCommand):
    help = "Droits des fichiers : vignettes et fichiers statiques lisibles par nginx, originaux privés."

    def handle(self, *args, **options):
        changed = fix_permissions()
        self.stdout.write(
            f"{changed['public']} vignette(s), {changed['static']} fichier(s) statique(s) rendus "
            f"lisibles ; {changed['private']} original(aux) ou document(s) rendus privés."
        )
