"""The blocks an article or brève body is made of."""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("légende"), required=False, max_length=300)
    credit = blocks.CharBlock(label=_("crédit"), required=False, max_length=200)
    alt = blocks.CharBlock(
        label=_("texte alternatif"), required=False, max_length=300,
        help_text=_("Décrit l'image pour qui ne la voit pas ; laisser vide si elle est décorative."),
    )  # fmt: skip

    class Meta:
        icon = "image"
        label = _("Image")
        template = "news/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("citation"), max_length=3000)
    source = blocks.CharBlock(label=_("source"), required=False, max_length=300)

    class Meta:
        icon = "openquote"
        label = _("Citation")
        template = "news/blocks/quote.html"


class SpipTextBlock(blocks.TextBlock):
    """Text written in SPIP's shortcuts ({gras}, [lien->url], [[note]]...), rendered by redac.typo.

    For editors who come from SPIP, and for every text the SPIP importer brings in."""

    @cached_property
    def field(self):
        field = super().field
        # Marks the textarea for the editor's live preview (redac.newsroom's spip_preview.js).
        field.widget.attrs["data-spip-preview"] = "true"
        # A StreamField block's label is a heading, not a <label>: name the textarea for
        # screen readers (axe-core's « label » rule, issue 16).
        field.widget.attrs["aria-label"] = str(self.meta.label)
        return field

    class Meta:
        icon = "code"
        label = _("Texte SPIP")
        template = "news/blocks/spip_text.html"
        help_text = _(
            "Raccourcis SPIP : {italique}, {{gras}}, {{{intertitre}}}, [texte->url], [[note]]."
        )


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Texte riche"), icon="pilcrow")
    spip = SpipTextBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(
        label=_("Vidéo ou son"), icon="media",
        help_text=_("Adresse d'une vidéo YouTube, Vimeo, Dailymotion ou d'un son SoundCloud."),
        max_width=800,
    )  # fmt: skip

    class Meta:
        block_counts = {}
