"""The rules of the « période de réserve »: what is blocked, where, and why (in French, for the
person who tried).

During the silence nothing *new goes online* in a campaign section: a publication now (the page
editor's « Publier », a workflow approval, a bulk publication) is refused with the reason, and a
publication scheduled inside the silence waits for its end (the scheduler keeps it and publishes
it at its first run after the end). Scheduling for later stays possible. Pages already online stay
online. Code that publishes outside these editorial paths (the SPIP importer, the shell) is not
checked: it is not an editor putting something new online."""

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


def active_silence(page, now=None) -> ElectionSilence | None:
    """The silence period that applies to ``page`` now (it is active and the page is in a
    campaign section), or None."""
    silence = _silence_for(page)
    if silence is None or not silence.is_active(now) or not in_campaign_section(page):
        return None
    return silence


def _end(silence) -> str:
    return formats.date_format(timezone.localtime(silence.ends_at), "j F Y à H:i")


def blocked_by_silence(page, now=None) -> str | None:
    """The French reason publishing (or commenting) on ``page`` is blocked now, or None."""
    silence = active_silence(page, now)
    if silence is None:
        return None
    return (
        "Période de réserve électorale : rien de nouveau ne peut être publié dans une rubrique "
        f"de campagne, ni commenté, jusqu'au {_end(silence)}. Les pages déjà en ligne restent "
        "visibles ; votre brouillon est enregistré."
    )


def publication_blocked(page, go_live_at=None, now=None) -> str | None:
    """Why putting ``page`` online now is refused, or None. A publication scheduled for later
    (``go_live_at`` in the future) is not refused: it waits (see :func:`scheduled_publication_waits`)."""
    now = now or timezone.now()
    if go_live_at is not None and go_live_at > now:
        return None
    return blocked_by_silence(page, now)


def scheduled_publication_waits(page, now=None) -> bool:
    """Whether the scheduler must keep ``page``'s due go-live for after the silence."""
    return active_silence(page, now) is not None


def scheduled_into_silence(page, go_live_at) -> str | None:
    """The French warning for a go-live scheduled inside the silence (it will wait), or None."""
    silence = _silence_for(page)
    if (go_live_at is None or silence is None or not silence.is_active(go_live_at)
            or not in_campaign_section(page)):  # fmt: skip
        return None
    return (
        "Période de réserve électorale : la date de publication tombe pendant la période ; "
        f"la publication attendra sa fin, le {_end(silence)}."
    )


def bulk_publication_blocked(pages, include_descendants=False, now=None) -> str | None:
    """Why publishing these pages at once is refused (the first reason found), or None."""
    from redac.news.models import SectionPage

    for page in pages:
        reason = blocked_by_silence(page, now)
        if reason:
            return reason
        if include_descendants:
            campaign = SectionPage.objects.descendant_of(page).filter(campagne=True).first()
            reason = blocked_by_silence(campaign, now) if campaign is not None else None
            if reason:
                return reason
    return None
