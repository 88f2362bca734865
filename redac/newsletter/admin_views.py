"""Export of the confirmed subscribers for the organisation's mailer (permission-gated)."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from redac.core.lib.csvsafe import csv_response

from .models import Subscriber
from .services import unsubscribe_url


def export_csv(request):
    if not request.user.has_perm("newsletter.view_subscriber"):
        raise PermissionDenied
    rows = (
        [s.email, timezone.localtime(s.confirmed_at).strftime("%Y-%m-%d %H:%M"),
         s.consent_version, unsubscribe_url(s)]
        for s in Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).iterator()
    )  # fmt: skip
    return csv_response("abonnes.csv",
                        ["adresse", "confirmé le", "version du consentement", "désinscription"],
                        rows)  # fmt: skip
