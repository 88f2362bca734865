from __future__ import annotations

from django.utils import formats, timezone
from wagtail.models import Site

from .models import ElectionSilence


def _silence_for(page) -> ElectionSilence | None:
    site = page.get_site() if page is not None else None
    site = site or Site.objects.filter(is_default_site=True).first()
    # A read, never BaseSiteSetting.for_site(): that creates the row, i.e. writes to the database
    # while rendering a reader's page. No row means no silence period has been set.
    return ElectionSilence.objects.filter(site=site).first() if site else None


def in_campaign_section(page) -> bool:
    """Whether the page is, or is below, a section marked « campagne »."""
    from redac.news.models import SectionPage

    if page is None:
        return False
    path = page.path if page.pk else None
    if path is None:
        return False
    return SectionPage.objects.filter(
        campagne=True, path__in=[path[:n] for n in range(4, len(path) + 1, 4)]
    ).exists()


def blocked_by_silence(page, now=None) -> str | None:
    """The French reason publishing (or commenting) on ``page`` is blocked now, or None."""
    silence = _silence_for(page)
    if silence is None or not silence.is_active(now) or not in_campaign_section(page):
        return None
    end = formats.date_format(timezone.localtime(silence.ends_at), "j F Y à H:i")
    return (
        "Période de réserve électorale : rien de nouveau ne peut être publié dans une rubrique "
        f"de campagne, ni commenté, jusqu'au {end}. Les pages déjà en ligne restent visibles ; "
        "votre brouillon est enregistré."
    )
