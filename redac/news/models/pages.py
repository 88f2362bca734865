"""The page types: home, sections (SPIP rubriques), brève listings, articles, brèves and plain
pages, with what every public page shares (its language, its visit counter, its view
restrictions)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from redac.core.models import ImportRefMixin, VisitCounterMixin
from redac.core.prepared import prepared

from ..blocks import BodyBlock
from ..forms import PageForm
from ..panels import SpipNumberPanel
from ..widgets import keyword_field_panel
from .listings import paginate, with_listing_relations
from .queries import _byline_query, _children, _held_in_memory, _keywords_query, _neighbour_query
from .routing import NOT_FOUND, display_ancestors, route_in_one_query
from .taxonomy import Author, Keyword
from .visibility import NewsPageManager, children_interval, published, restricted_paths

LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]


class BasePage(VisitCounterMixin, ImportRefMixin, Page):
    """Every public page counts its visits and may come from an import."""

    # The slug is made from the title when left empty (redac.news.forms).
    base_form_class = PageForm
    objects = NewsPageManager()

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The notes of the page's « Texte SPIP » blocks, gathered while its body renders and
        # printed once after it ({% page_notes %}, redac.core.templatetags.redac_tags).
        context["page_notes"] = []
        return context

    def serve(self, request, *args, **kwargs):
        """A page speaks its own language everywhere on it: an English article gets English
        dates, labels, counters, navigation and comment form, not only English text. Django's
        translations are activated for the whole render (the response is rendered here, inside
        the language). The page cache keys stay right: the language is the page's, so a URL
        always renders the same way; the chrome fragments a worker keeps are keyed by language
        (redac.core.templatetags.redac_tags._site_fragment).

        A restricted page reaches here only for someone allowed to read it: it is never marked
        shareable, whatever the request carries (redac.delivery.middleware), so no page cache or
        CDN keeps it for others."""
        response = self._in_own_language(super().serve, request, *args, **kwargs)
        if any(self.path.startswith(path) for path in restricted_paths()):
            response.redac_cache = False
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def serve_preview(self, request, mode_name):
        """A preview speaks the page's language too (Wagtail renders it without ``serve``)."""
        return self._in_own_language(super().serve_preview, request, mode_name)

    def _in_own_language(self, view, *args, **kwargs):
        lang = getattr(self, "lang", "") or ""
        if not lang or lang == translation.get_language():
            return view(*args, **kwargs)
        with translation.override(lang):
            response = view(*args, **kwargs)
            if getattr(response, "is_rendered", True) is False:
                response.render()
        return response

    def get_view_restrictions(self):
        """Wagtail checks the page and its ancestors for restrictions on every view; when the
        page was found by :func:`route_in_one_query`, its ancestors are already known."""
        from wagtail.models import PageViewRestriction

        paths = restricted_paths()
        if not paths:
            return PageViewRestriction.objects.none()  # the common case: no query at all
        chain = getattr(self, "_redac_ancestors", None)
        if chain is None or self.alias_of_id or any(p.alias_of_id for p in chain):
            return super().get_view_restrictions()
        if not any(self.path.startswith(path) for path in paths):
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(page_id__in=[self.pk, *(p.pk for p in chain)])


@prepared
def _latest(model, paths: tuple[str, ...], count: int):
    """The home page's lists: the newest published items of a type, with what their cards show."""
    latest = published(model, paths).order_by("-date")
    return (with_listing_relations(latest) if model is ArticlePage else latest)[:count]


class HomePage(BasePage):
    intro = models.TextField(_("introduction"), blank=True, max_length=2000)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["news.SectionPage", "news.StandardPage", "contact.ContactPage"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")

    def route(self, request, path_components):
        from django.http import Http404
        from wagtail.url_routing import RouteResult

        target = route_in_one_query(self, path_components)
        if target is None:
            return super().route(request, path_components)
        if target is NOT_FOUND:
            raise Http404
        return RouteResult(target)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paths = restricted_paths()
        context["latest_articles"] = _latest(ArticlePage, paths, 8).run()
        context["latest_breves"] = _latest(BrevePage, paths, 6).run()
        return context


class SectionPage(BasePage):
    """A section (SPIP "rubrique"): nestable; a top-level one is a "secteur"."""

    descriptif = models.TextField(
        _("descriptif"), blank=True, max_length=2000,
        help_text=_("Court texte de présentation de la rubrique, affiché en tête de liste."),
    )  # fmt: skip
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("texte"))
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("logo"),
    )  # fmt: skip

    campagne = models.BooleanField(
        _("rubrique de campagne"), default=False,
        help_text=_("Pendant la période de réserve électorale, rien de nouveau n'est publié dans "
                    "une rubrique de campagne (ni ses sous-rubriques) et les commentaires y sont "
                    "fermés."),
    )  # fmt: skip

    content_panels = [SpipNumberPanel(), *Page.content_panels,
        FieldPanel("descriptif"), FieldPanel("body"), FieldPanel("logo"),
    ]  # fmt: skip
    settings_panels = Page.settings_panels + [FieldPanel("campagne")]
    search_fields = Page.search_fields + [index.SearchField("descriptif")]
    parent_page_types = ["news.HomePage", "news.SectionPage"]
    subpage_types = ["news.SectionPage", "news.ArticlePage", "news.BreveIndexPage"]

    class Meta:
        verbose_name = _("rubrique")
        verbose_name_plural = _("rubriques")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paths, children = restricted_paths(), children_interval(self.path, self.depth)
        context["subsections"] = _children(SectionPage, paths).run(**children)
        context["breve_listings"] = _children(BreveIndexPage, paths).run(**children)
        articles = with_listing_relations(
            published(ArticlePage).descendant_of(self).order_by("-date")
        )
        context["items"] = paginate(request, articles)
        return context


class BreveIndexPage(BasePage):
    """The listing that holds a section's brèves (the "Brèves" of the breadcrumb)."""

    intro = models.TextField(_("introduction"), blank=True, max_length=2000)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["news.SectionPage"]
    subpage_types = ["news.BrevePage"]

    class Meta:
        verbose_name = _("liste de brèves")
        verbose_name_plural = _("listes de brèves")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        breves = published(BrevePage).child_of(self).order_by("-date")
        context["items"] = paginate(request, with_listing_relations(breves, image=False))
        return context


class CommentsMode(models.TextChoices):
    """Per-page reader comments (SPIP's forum settings: « modéré à priori / à posteriori »)."""

    PRE = "pre", _("Modérés avant publication")
    POST = "post", _("Publiés puis modérés")
    CLOSED = "closed", _("Fermés (les commentaires publiés restent visibles)")
    OFF = "off", _("Désactivés")


class NewsItemMixin(models.Model):
    """What articles and brèves share: a date, a body, a language, keywords and an ordered byline."""

    comments_mode = models.CharField(
        _("commentaires"), max_length=10, choices=CommentsMode.choices, default=CommentsMode.PRE,
        blank=True,  # a form that omits it (older API clients, tests) gets the default on save
        help_text=_("Les lecteurs peuvent-ils réagir à ce texte, et sont-ils modérés avant ou "
                    "après publication ?"),
    )  # fmt: skip

    # Empty until the first publication, which fills it with the moment the text went live (the
    # scheduled time, or the click on « Publier »): readers and feeds date a text by when it
    # appeared, not by when its draft was started (issue 16). SPIP's separate « date de
    # rédaction » is ``date_redac``.
    date = models.DateTimeField(
        _("date de publication"), null=True, blank=True,
        help_text=_("La date affichée et qui classe l'élément dans les listes. Laissez vide : "
                    "ce sera la date de la mise en ligne (celle programmée, s'il y en a une)."),
    )  # fmt: skip
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("texte"))
    lang = models.CharField(_("langue"), max_length=8, choices=LANGUAGE_CHOICES, default="fr")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.comments_mode:
            self.comments_mode = CommentsMode.PRE
        if self.date is None and self.live:
            # Wagtail sets first_published_at just before saving a first publication.
            self.date = self.first_published_at or timezone.now()
        super().save(*args, **kwargs)

    def with_content_json(self, content):
        """A draft saved before the first publication has no date: editing the live page shows
        the date it got when it went live."""
        page = super().with_content_json(content)
        if page.date is None:
            page.date = self.date
        return page

    @cached_property
    def authors(self) -> list[Author]:
        """The byline, in order: one query (none in listings that prefetch it; the draft's own
        in a preview)."""
        if not self.pk or _held_in_memory(self, "author_links"):
            return [link.author for link in self.author_links.all()]
        return [link.author for link in _byline_query(type(self)).run(page=self.pk)]

    @cached_property
    def keyword_list(self) -> list:
        """The keywords with their groups, read once for the page and its metadata."""
        if not self.pk or _held_in_memory(self, "keywords"):
            return list(self.keywords.all())
        return _keywords_query(type(self)).run(page=self.pk)

    def _neighbour(self, before: bool):
        if self.depth <= 1 or not self.pk:
            return None
        # Among the parent's children, found from this page's path (no query for the parent).
        parent = children_interval(self.path[: -self.steplen], self.depth - 1)
        return _neighbour_query(type(self), restricted_paths(), before).first(
            **parent, date=self.date, pk=self.pk
        )

    def previous_item(self):
        """The item published just before this one in the same listing."""
        return self._neighbour(before=True)

    def next_item(self):
        """The item published just after this one in the same listing."""
        return self._neighbour(before=False)


class ArticlePage(NewsItemMixin, BasePage):
    """An article (SPIP "article")."""

    surtitre = models.CharField(
        _("surtitre"), max_length=255, blank=True,
        help_text=_("Petite ligne au-dessus du titre (SPIP « surtitre »)."),
    )  # fmt: skip
    soustitre = models.CharField(
        _("sous-titre"), max_length=255, blank=True,
        help_text=_("Ligne sous le titre (SPIP « soustitre »)."),
    )  # fmt: skip
    descriptif = models.TextField(
        _("descriptif"), blank=True, max_length=2000,
        help_text=_("Résumé utilisé dans les listes, les flux et les moteurs de recherche."),
    )  # fmt: skip
    chapo = models.TextField(
        _("chapeau"), blank=True, max_length=5000,
        help_text=_("Le texte d'introduction, en gras sous le titre (SPIP « chapo »)."),
    )  # fmt: skip
    ps = models.TextField(
        _("post-scriptum"), blank=True, max_length=20000,
        help_text=_("Texte affiché après le corps de l'article."),
    )  # fmt: skip
    notes = models.TextField(
        _("notes"), blank=True, max_length=20000,
        help_text=_("Notes de bas de page saisies à part (les [[notes]] du texte s'y ajoutent)."),
    )  # fmt: skip
    date_redac = models.DateTimeField(
        _("date de rédaction antérieure"), null=True, blank=True,
        help_text=_("Si le texte a été écrit ou publié ailleurs avant (SPIP « date_redac »)."),
    )  # fmt: skip
    lead_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("image principale"),
    )  # fmt: skip
    site_name = models.CharField(
        _("nom du site"), max_length=255, blank=True,
        help_text=_("« Voir en ligne » : le site dont parle l'article (SPIP « nom_site »)."),
    )  # fmt: skip
    site_url = models.URLField(
        _("adresse du site"), max_length=1000, blank=True,
        help_text=_("« Voir en ligne » : son adresse (SPIP « url_site »)."),
    )  # fmt: skip
    keywords = ParentalManyToManyField(Keyword, blank=True, related_name="articles",
                                       verbose_name=_("mots-clés"))  # fmt: skip

    content_panels = [
        SpipNumberPanel(),
        FieldPanel("surtitre"),
        FieldPanel("title"),
        FieldPanel("soustitre"),
        FieldPanel("chapo"),
        FieldPanel("body"),
        FieldPanel("ps"),
        FieldPanel("notes"),
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("site_url")],
                        heading=_("Voir en ligne")),
        InlinePanel("author_links", label=_("Auteurs"), heading=_("Auteurs")),
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("date_redac"), FieldPanel("lang"),
             FieldPanel("descriptif"), FieldPanel("lead_image"), keyword_field_panel()],
            heading=_("Publication"),
        ),
    ]  # fmt: skip
    search_fields = Page.search_fields + [
        index.SearchField("surtitre"), index.SearchField("soustitre"),
        index.SearchField("chapo"), index.SearchField("body"), index.FilterField("date"),
    ]  # fmt: skip
    settings_panels = Page.settings_panels + [FieldPanel("comments_mode")]
    parent_page_types = ["news.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["keywords"] = self.keyword_list
        return context

    @cached_property
    def logo(self):
        """The article's image, else the logo of its nearest section that has one: SPIP's logo
        inheritance (``#LOGO_ARTICLE_RUBRIQUE``), shown on an article that has none."""
        if self.lead_image_id:
            return self.lead_image
        # the ancestors found while routing are generic pages: one query for their logos
        depths = {p.pk: p.depth for p in display_ancestors(self)
                  if p.specific_class is not None and issubclass(p.specific_class, SectionPage)}  # fmt: skip
        sections = (SectionPage.objects.filter(pk__in=depths, logo__isnull=False)
                    .select_related("logo").only("pk", "logo"))  # fmt: skip
        deepest = max(sections, key=lambda section: depths[section.pk], default=None)
        return deepest.logo if deepest is not None else None


class BrevePage(NewsItemMixin, BasePage):
    """A short news item (SPIP "brève"), filed in a section's brèves listing."""

    lien_titre = models.CharField(
        _("titre du lien"), max_length=255, blank=True,
        help_text=_("Source de l'information : titre du lien (SPIP « lien_titre »)."),
    )  # fmt: skip
    lien_url = models.URLField(
        _("adresse du lien"), max_length=1000, blank=True,
        help_text=_("Source de l'information : adresse (SPIP « lien_url »)."),
    )  # fmt: skip
    keywords = ParentalManyToManyField(Keyword, blank=True, related_name="breves",
                                       verbose_name=_("mots-clés"))  # fmt: skip
    flash = models.BooleanField(
        _("afficher dans le flash"), default=False,
        help_text=_("À la publication, la brève prend place dans le bandeau « Flash »."),
    )  # fmt: skip

    content_panels = [SpipNumberPanel(), *Page.content_panels,
        FieldPanel("body"),
        InlinePanel("author_links", label=_("Auteurs"), heading=_("Auteurs")),
        MultiFieldPanel([FieldPanel("lien_titre"), FieldPanel("lien_url")],
                        heading=_("Source")),
        MultiFieldPanel([FieldPanel("date"), FieldPanel("lang"), keyword_field_panel(),
                         FieldPanel("flash")], heading=_("Publication")),
    ]  # fmt: skip
    search_fields = Page.search_fields + [index.SearchField("body"), index.FilterField("date")]
    settings_panels = Page.settings_panels + [FieldPanel("comments_mode")]
    parent_page_types = ["news.BreveIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("brève")
        verbose_name_plural = _("brèves")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["keywords"] = self.keyword_list
        return context


class StandardPage(BasePage):
    """A plain page: contact details, legal notice ("mentions légales"), about."""

    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("texte"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["news.HomePage", "news.StandardPage"]
    subpage_types = ["news.StandardPage"]

    class Meta:
        verbose_name = _("page simple")
        verbose_name_plural = _("pages simples")


class AuthorLinkBase(Orderable):
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="+", verbose_name=_("auteur")
    )

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        abstract = True


class ArticleAuthor(AuthorLinkBase):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="author_links")

    class Meta(AuthorLinkBase.Meta):
        verbose_name = _("auteur de l'article")


class BreveAuthor(AuthorLinkBase):
    page = ParentalKey(BrevePage, on_delete=models.CASCADE, related_name="author_links")

    class Meta(AuthorLinkBase.Meta):
        verbose_name = _("auteur de la brève")


def published_authors(paths: tuple[str, ...] | None = None, *, fresh: bool = False):
    """The authors readers may see: those with at least one published article or brève (the
    one definition of :func:`published`). Only they have a public page, a feed, a sitemap entry
    and a search entry; an author created ahead of a first article has none of them yet."""
    return Author.objects.filter(
        models.Q(pk__in=published(ArticlePage, paths, fresh=fresh)
                 .values("author_links__author_id"))
        | models.Q(pk__in=published(BrevePage, paths, fresh=fresh)
                   .values("author_links__author_id"))
    )  # fmt: skip
