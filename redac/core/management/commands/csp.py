"""``redac csp``: the Content-Security-Policy of public pages, for a proxy that serves published
pages itself (docs/deploy/nginx.conf's ``@CSP@``); its ``frame-src`` follows
``REDAC_EMBED_PROVIDERS``."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the Content-Security-Policy of public pages (for nginx.conf's @CSP@)."

    def handle(self, *args, **options):
        from redac.core.middleware import PUBLIC_CSP

        self.stdout.write(PUBLIC_CSP)
