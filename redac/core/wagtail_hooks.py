"""Rich text: embeds (``<embed embedtype="media">``) only from the site's providers.

The « embed » feature of the editor is Wagtail's; its conversion to the database format is ours:
an embed entity whose address no finder of the site accepts (``WAGTAILEMBEDS_FINDERS``, built
from ``REDAC_EMBED_PROVIDERS``) is dropped at save, as the embed block refuses it (security case
61). Readers see every embed as a click-to-load facade (``redac.core.embeds``).
"""

from __future__ import annotations

from wagtail import hooks
from wagtail.embeds.rich_text.contentstate import (
    ContentstateMediaConversionRule,
    media_embed_entity,
)


def embed_url_allowed(url: str) -> bool:
    from wagtail.embeds.finders import get_finders

    return bool(url) and any(finder.accept(url) for finder in get_finders())


def allowed_media_embed_entity(props):
    """Wagtail's entity decorator, for addresses of the site's providers only."""
    if not embed_url_allowed(str(props.get("url") or "")):
        return None
    return media_embed_entity(props)


@hooks.register("register_rich_text_features", order=10)  # after wagtail.embeds' own rule
def register_embed_conversion(features):
    rule = dict(ContentstateMediaConversionRule)
    rule["to_database_format"] = {"entity_decorators": {"EMBED": allowed_media_embed_entity}}
    features.register_converter_rule("contentstate", "embed", rule)
