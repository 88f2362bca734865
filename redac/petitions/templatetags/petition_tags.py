from django import template

from ..models import Petition
from ..services import closed_reason

register = template.Library()


@register.inclusion_tag("petitions/petition_box.html")
def petition_box(page):
    """The petition of an article: its text, the counter and progress bar (in the HTML, for
    readers without JavaScript; petitions.js refreshes them from the API on cached pages) and
    the link to the uncached signing page. One query, none more: the box carries its own
    script tag."""
    petition = Petition.objects.filter(page_id=page.pk).first() if page.pk else None
    if petition is None:
        return {"petition": None}
    petition.page = page
    closed = closed_reason(petition)
    return {
        "petition": petition,
        "open": closed is None,
        "closed": closed,
        "progress_value": min(petition.signature_count, petition.goal or 0),
    }
