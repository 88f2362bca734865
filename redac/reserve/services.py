from __future__ import annotations

from django.utils import formats, timezone

from .models import ElectionSilence


def _silence_for(page) -> ElectionSilence | None:
    # A read, never BaseSiteSetting.for_site(): that creates the row, i.e. writes to the database
    # while rendering a reader's page. No row means no silence period has been set. The rows are
    # read once per worker until the next invalidation (saving the setting invalidates every page).
    from redac.delivery.chrome import site_wide

    silences = site_wide("election_silences", lambda: list(
        ElectionSilence.objects.select_related("site__root_page")))  # fmt: skip
    if not silences:
        return None
    path = getattr(page, "path", "") or ""
    for silence in silences:
        if path and path.startswith(silence.site.root_page.path):
            return silence
    return next((s for s in silences if s.site.is_default_site), None)


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
