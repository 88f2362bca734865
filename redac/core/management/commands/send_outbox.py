"""``redac send_outbox [--loop]``: send the mail outbox now, or keep sending it.

``redac worker`` (redac.core.jobs) normally does this every few seconds; this command is for
operators who want to flush the outbox by hand, and for the fault test that kills a sender mid-send.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from redac.core.mail import send_pending_mail


class Command(BaseCommand):
    help = "Envoie les courriels en attente de la file d'envoi (une fois, ou en boucle)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="recommencer indéfiniment")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="secondes entre deux passes"
        )

    def handle(self, *args, loop=False, interval=1.0, **options):
        while True:
            sent = send_pending_mail()
            if sent:
                self.stdout.write(f"{sent} courriel(s) envoyé(s)", ending="\n")
                self.stdout.flush()
            if not loop:
                return
            time.sleep(interval)
