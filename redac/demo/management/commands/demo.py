"""``redac demo``: migrate the configured database, load the demo site (idempotent), print the
administrator's login, and exit."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from redac.demo.build import build_demo, ensure_admin


class Command(BaseCommand):
    help = "Crée ou met à jour le site de démonstration (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-password", action="store_true",
            help="Ne pas régénérer le mot de passe d'un administrateur existant.",
        )  # fmt: skip

    def handle(self, *args, keep_password=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        result = build_demo()
        password = ensure_admin(reset_password=not keep_password)
        from django.conf import settings

        self.stdout.write(self.style.SUCCESS(
            f"Site de démonstration prêt : {len(result['breves'])} brèves, page d'accueil "
            f"« {result['home'].title} »."
        ))  # fmt: skip
        self.stdout.write(f"Administration : {settings.SITE_URL}/admin/")
        if password:
            self.stdout.write(f"  identifiant : admin\n  mot de passe : {password}\n"
                              "  (affiché une seule fois ; il change à chaque « redac demo »)")  # fmt: skip
        else:
            self.stdout.write("  identifiant : admin (mot de passe inchangé)")
        self.stdout.write(
            "À la première connexion, l'administration demande d'activer la double "
            "authentification :\n  gardez sous la main une application d'authentification "
            "(FreeOTP, Aegis, Google Authenticator…)\n  pour scanner le QR code qu'elle "
            "affiche, puis tapez le code à 6 chiffres."
        )
        if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
            self.stdout.write(
                "Les courriels (invitations, avis de publication) ne partent pas : ils "
                "s'affichent dans ce terminal."
            )
