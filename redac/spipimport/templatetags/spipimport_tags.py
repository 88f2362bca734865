"""``{% spip_translations page %}``: the other languages of an article imported from SPIP
(see redac.spipimport.translations)."""

from __future__ import annotations

from django import template

from ..translations import translations_of

register = template.Library()


@register.inclusion_tag("spipimport/translations.html")
def spip_translations(page):
    return {"translations": translations_of(page)}
