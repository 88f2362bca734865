"""``{% most_read %}``: the « Les plus lus » block of the home and section pages."""

from django import template

from redac.visits import services

register = template.Library()


@register.inclusion_tag("visits/most_read.html")
def most_read(within=None, limit: int = 5):
    """Most read articles and brèves below ``within`` (a section; the whole site when None or the
    home page): last 7 days, and of all time."""
    if within is not None and within.depth <= 2:
        within = None
    return {
        "recent": services.most_read(within, days=7, limit=limit),
        "all_time": services.most_read(within, days=None, limit=limit),
    }
