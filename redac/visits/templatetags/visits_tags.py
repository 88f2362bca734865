"""``{% most_read %}``: the « Les plus lus » block of the home and section pages."""

from django import template

from redac.visits import services

register = template.Library()

MOST_READ_SECONDS = 60


@register.inclusion_tag("visits/most_read.html")
def most_read(within=None, limit: int = 5):
    """Most read articles and brèves below ``within`` (a section; the whole site when None or the
    home page): last 7 days, and of all time."""
    from redac.delivery.chrome import site_wide

    if within is not None and within.depth <= 2:
        within = None
    # The ranking moves with every visit; a minute's delay is invisible to readers and spares
    # two aggregations per uncached page (cached pages keep it until their next invalidation).
    key = f"most_read:{within.pk if within is not None else 0}:{limit}"
    return site_wide(key, lambda: {
        "recent": services.most_read(within, days=7, limit=limit),
        "all_time": services.most_read(within, days=None, limit=limit),
    }, ttl=MOST_READ_SECONDS)  # fmt: skip
