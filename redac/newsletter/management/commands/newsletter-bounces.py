"""``redac newsletter-bounces``: read delivery-status notifications (RFC 3464) and stop sending
to the addresses that bounce (see redac.newsletter.bounces).

    redac newsletter-bounces < one-notification.eml          # e.g. from a mail filter's pipe
    redac newsletter-bounces --maildir ~/Maildir/.bounces    # every new message of the folder

A maildir's messages are moved from ``new`` to ``cur`` once read, so running the command again
(from cron, say) never counts a notification twice.
"""

import mailbox
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from redac.newsletter import bounces


class Command(BaseCommand):
    help = "Lit des avis de non-remise (RFC 3464) et arrête les envois aux adresses en échec."

    def add_arguments(self, parser):
        parser.add_argument(
            "--maildir", help="Dossier maildir des avis (sinon : l'entrée standard)."
        )

    def handle(self, *args, maildir=None, **options):
        found, read = [], 0
        if maildir:
            if not (Path(maildir) / "new").is_dir():
                raise CommandError(f"{maildir} : ce n'est pas un dossier maildir (pas de « new »).")
            box = mailbox.Maildir(maildir, factory=None, create=False)
            for key in list(box.iterkeys()):
                message = box[key]
                if message.get_subdir() != "new":
                    continue
                found += bounces.parse_dsn(message.as_bytes())
                read += 1
                message.set_subdir("cur")
                message.add_flag("S")
                box[key] = message
        else:
            found = bounces.parse_dsn(sys.stdin.buffer.read())
            read = 1
        done = bounces.record(found)
        self.stdout.write(
            f"{read} message(s) lu(s) : {done['hard']} refus définitif(s), {done['soft']} échec(s) "
            f"temporaire(s), {done['unknown']} adresse(s) inconnue(s)."
        )
