"""The newsroom's content: sections (SPIP rubriques), articles, brèves, authors and keywords.

Field names follow SPIP's vocabulary where it is the domain's own (surtitre, chapo, brève) so that an
editor coming from SPIP, and the importer, find each field where they expect it.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.core.paginator import Paginator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from redac.core.models import ImportRefMixin, VisitCounterMixin
from redac.core.prepared import Param, prepared

from .blocks import BodyBlock
from .forms import PageForm
from .panels import SpipNumberPanel
from .widgets import keyword_field_panel

LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]
LISTING_PAGE_SIZE = 12


# --- Authors and keywords ------------------------------------------------------------------------


class Author(ImportRefMixin, index.Indexed, models.Model):
    """A byline: a person, or a collective signature such as « La rédaction »."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Personne")
        COLLECTIVE = "collective", _("Signature collective")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(
        _("adresse publique"), max_length=200, unique=True, allow_unicode=False,
        help_text=_("Partie de l'adresse de la page de l'auteur. Jamais l'identifiant de connexion."),
    )  # fmt: skip
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    bio = models.TextField(_("biographie"), blank=True, max_length=5000)
    website = models.URLField(_("site web"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("photo"),
    )  # fmt: skip
    user = models.OneToOneField(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="author",
        verbose_name=_("compte"),
        help_text=_("Le compte d'administration de cette personne, s'il y en a un (jamais public)."),
    )  # fmt: skip

    panels = [
        FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind"), FieldPanel("bio"),
        # No « compte » field: its list showed every login name to whoever edits bylines
        # (issue 15, item 5), and a per-field permission is what security case 51 rules out.
        # Which account a byline belongs to is not edited on this form.
        FieldPanel("website"), FieldPanel("photo"),
    ]  # fmt: skip
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("auteur")
        verbose_name_plural = _("auteurs")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Author, self.name, "auteur")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("news:author", kwargs={"slug": self.slug})

    @property
    def is_collective(self) -> bool:
        return self.kind == self.Kind.COLLECTIVE


class KeywordGroup(ImportRefMixin, models.Model):
    """A family of keywords (SPIP "groupe de mots"): Thèmes, Pays..."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("adresse publique"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("groupe de mots-clés")
        verbose_name_plural = _("groupes de mots-clés")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(KeywordGroup, self.name, "groupe")
        super().save(*args, **kwargs)


class KeywordManager(models.Manager):
    """A keyword is always shown with its group (« Thèmes : Logement »): read together."""

    def get_queryset(self):
        return super().get_queryset().select_related("group")


class Keyword(ImportRefMixin, index.Indexed, models.Model):
    """A keyword (SPIP "mot-clé"), always in a group."""

    objects = KeywordManager()

    group = models.ForeignKey(
        KeywordGroup, on_delete=models.PROTECT, related_name="keywords", verbose_name=_("groupe"),
    )  # fmt: skip
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("adresse publique"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("group"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["group__name", "name"]
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")

    def __str__(self) -> str:
        return f"{self.group.name} : {self.name}" if self.group_id else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Keyword, self.name, "mot")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("news:keyword", kwargs={"slug": self.slug})


def unique_slug(model, text: str, fallback: str) -> str:
    base = slugify(text)[:180] or fallback
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- Pages ---------------------------------------------------------------------------------------


class BasePage(VisitCounterMixin, ImportRefMixin, Page):
    """Every public page counts its visits and may come from an import."""

    # The slug is made from the title when left empty (redac.news.forms).
    base_form_class = PageForm

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


#: :func:`route_in_one_query`'s answer when readers may reach no page at the address.
NOT_FOUND = object()


def route_in_one_query(home, path_components):
    """The live page at ``path_components`` under ``home`` and its ancestors, in one query for the
    whole tree walk (Wagtail's default route costs two queries per level). Returns None when a page
    on the way routes by itself (RoutablePageMixin...): Wagtail's own route then decides, so
    behaviour never differs, only the query count.

    A draft's address and an address where nothing exists get the same answer, NOT_FOUND, after
    the same work (this one query): nothing more is read for a page that is there but not live,
    so neither the time nor the queries of a 404 tell that a draft exists (issue 15)."""
    if not path_components or len(path_components) > 20:
        return None
    rows = _route_query(len(path_components), home.depth).run(
        low=home.path, high=home.path + home.alphabet[-1] * (255 - len(home.path)),
        **{f"slug{level}": slug for level, slug in enumerate(path_components, start=1)},
    )  # fmt: skip
    chain, parent = [home], home
    for row in rows:
        if row.depth == parent.depth + 1 and row.path.startswith(parent.path):
            if row.slug == path_components[row.depth - home.depth - 1]:
                row._cached_parent_obj = parent
                chain.append(row)
                parent = row
    for page in chain[1:]:
        specific_class = page.specific_class
        if specific_class is None or specific_class.route is not Page.route:
            return None
    # Every page on the way routes to its children by slug, as Wagtail's Page.route does: where
    # the chain stops, or ends on a page that is not live, Wagtail would answer 404 too.
    if len(chain) != len(path_components) + 1 or not chain[-1].live:
        return NOT_FOUND
    target = _specific(chain[-1])
    target._cached_parent_obj = chain[-2]
    target._redac_ancestors = chain[:-1]
    return target


@prepared
def _route_query(levels: int, home_depth: int):
    """Every page whose depth and slug match one level of a requested path, under the home page
    (its descendants' tree paths lie between its own and its own followed by the last letter)."""
    path, slug = Page._meta.get_field("path"), Page._meta.get_field("slug")
    condition = models.Q()
    for level in range(1, levels + 1):
        condition |= models.Q(depth=home_depth + level, slug=Param(f"slug{level}", slug))
    return Page.objects.filter(
        condition, path__range=(Param("low", path), Param("high", path))
    ).order_by("depth")


def _specific(page):
    """``page.specific`` (Wagtail's ``get_specific``: the row of its own type, keeping what was
    set on the generic page) through a prepared query."""
    model = page.specific_class
    if model is None or isinstance(page, model):
        return page.specific
    specific = _page_by_id(model).first(pk=page.pk)
    if specific is None:
        return page.specific
    for name, value in page.__dict__.items():
        specific.__dict__.setdefault(name, value)
    return specific


def children_interval(path: str, depth: int) -> dict:
    """Where the children of the page at ``path`` and ``depth`` are, as treebeard finds them: their
    depth and the interval of their tree paths."""
    step, alphabet = Page.steplen, Page.alphabet
    return {
        "depth": depth + 1,
        "low": path + alphabet[0] * step,
        "high": path + alphabet[-1] * step,
    }


def published_children(model, paths: tuple[str, ...]):
    """The published pages of one type among a page's children, with ``depth``, ``low`` and
    ``high`` placeholders (:func:`children_interval` gives their values)."""
    path = Page._meta.get_field("path")
    return published(model, paths).filter(
        depth=Param("depth", Page._meta.get_field("depth")),
        path__range=(Param("low", path), Param("high", path)),
    )


@prepared
def _children(model, paths: tuple[str, ...]):
    """The published children of a page that are of one type, in the tree's order."""
    return published_children(model, paths).order_by("path")


@prepared
def _latest(model, paths: tuple[str, ...], count: int):
    """The home page's lists: the newest published items of a type, with what their cards show."""
    latest = published(model, paths).order_by("-date")
    return (with_listing_relations(latest) if model is ArticlePage else latest)[:count]


@prepared
def _page_by_id(model):
    return model._default_manager.filter(pk=Param("pk", model._meta.pk.target_field))


#: What previous/next links need of a neighbour: its title and what its URL is built from.
NEIGHBOUR_FIELDS = ("id", "title", "slug", "url_path", "path", "depth", "locale_id", "live",
                    "content_type_id", "date", "lang")  # fmt: skip


def display_ancestors(page) -> list:
    """The page's ancestors from home down to its parent: found while routing
    (:func:`route_in_one_query`), else read once and kept on the page for the breadcrumb, the
    JSON-LD and the view restrictions check."""
    known = getattr(page, "_redac_ancestors", None)
    if known is None:
        known = list(page.get_ancestors().specific(defer=True)) if page.pk else []
        page._redac_ancestors = known
    return [p for p in known if p.depth > 1]


def restricted_paths(*, fresh: bool = False) -> tuple[str, ...]:
    """Tree paths of the pages that carry a view restriction (private sections).

    Readers' pages read them once per worker until the next invalidation: saving or deleting a
    restriction empties the page cache and changes its generation (redac.delivery.signals), which
    every worker and node checks before using the remembered value. Code that decides while a
    restriction is being saved (the search index, in a signal handler that may run before the
    invalidation's) asks ``fresh=True``: read from the database now, never from memory."""
    if fresh:
        return _read_restricted_paths()
    from redac.delivery.chrome import site_wide

    return site_wide("view_restrictions", _read_restricted_paths)


def _read_restricted_paths() -> tuple[str, ...]:
    from wagtail.models import PageViewRestriction

    return tuple(PageViewRestriction.objects.values_list("page__path", flat=True).distinct())


def published(model, paths: tuple[str, ...] | None = None, *, fresh: bool = False):
    """The one definition of "what readers may see" for a page type: live, and not restricted
    (Wagtail's ``.public()``, without its query of every restriction on each call). ``paths``:
    the restricted tree paths, when the caller already has them; ``fresh``: read them from the
    database rather than from this worker's memory (see :func:`restricted_paths`)."""
    queryset = model.objects.live()
    if paths is None:
        paths = restricted_paths(fresh=fresh)
    if paths:
        queryset = queryset.exclude(
            reduce(operator.or_, (models.Q(path__startswith=p) for p in paths))
        )
    return queryset


def paginate(request, queryset, per_page: int = LISTING_PAGE_SIZE):
    """A page of results; ``?page=`` values that are not a valid number give the first or last
    page, never an error."""
    raw = request.GET.get("page", "1")
    return Paginator(queryset, per_page).get_page(raw if raw.isdigit() else 1)


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


def _held_in_memory(page, relation: str) -> bool:
    """Whether a page's relation is held in memory rather than read from the database: a preview
    renders the draft's bylines and keywords (modelcluster), a listing may have prefetched them."""
    return relation in page.__dict__.get("_cluster_related_objects", {}) or relation in (
        page.__dict__.get("_prefetched_objects_cache", {})
    )


# The reader path's queries, compiled once per worker (redac.core.prepared): building them with
# the ORM on each render cost more than running them.


@prepared
def _byline_query(model):
    links = model._meta.get_field("author_links").related_model
    return links.objects.filter(page=Param("page", links._meta.get_field("page").target_field)
                                ).select_related("author").order_by("sort_order")  # fmt: skip


@prepared
def _keywords_query(model):
    related_name = model._meta.get_field("keywords").related_query_name()
    page = Param("page", model._meta.pk.target_field)
    return Keyword.objects.filter(**{related_name: page}).select_related("group")


@prepared
def _neighbour_query(model, paths: tuple[str, ...], before: bool):
    """The published sibling just before (or after) a page in its listing's order: same parent,
    same type."""
    date, pk = (
        Param("date", model._meta.get_field("date")),
        Param("pk", model._meta.pk.target_field),
    )
    siblings = published_children(model, paths)
    if before:
        siblings = siblings.filter(models.Q(date__lt=date) | models.Q(date=date, pk__lt=pk))
        siblings = siblings.order_by("-date", "-pk")
    else:
        siblings = siblings.filter(models.Q(date__gt=date) | models.Q(date=date, pk__gt=pk))
        siblings = siblings.order_by("date", "pk")
    # Only what a previous/next link shows.
    return siblings.only(*NEIGHBOUR_FIELDS)[:1]


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


def with_comment_counts(queryset):
    """Annotate each page with ``published_comment_count``, the number of comments readers see on
    it (the count its page shows), in the same query: a correlated subquery, no query per card."""
    from django.apps import apps

    if not apps.is_installed("redac.comments"):
        return queryset
    from django.db import connection
    from django.db.models import IntegerField
    from django.db.models.expressions import RawSQL

    shown_count_sql = apps.get_model("comments", "Comment").shown_count_sql

    # a reply to a message readers do not see is hidden with it, at any depth
    # (redac.comments.services.published_threads): a recursive count, correlated on the page
    meta = queryset.model._meta
    column = (
        f"{connection.ops.quote_name(meta.db_table)}.{connection.ops.quote_name(meta.pk.column)}"
    )
    sql, params = shown_count_sql(column)
    return queryset.annotate(
        published_comment_count=RawSQL(sql, params, output_field=IntegerField())  # noqa: S611
    )


def with_listing_relations(queryset, *, image: bool = True):
    """What a listing card shows (image, authors, comment count), in a fixed number of queries
    whatever the number of cards."""
    if image:
        queryset = queryset.select_related("lead_image")
    return with_comment_counts(queryset.prefetch_related("author_links__author"))


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


# SPIP numbers (« Article n° 19 ») live in their own module; Django finds their models here.
from .numbers import SpipNumber, SpipNumberCounter  # noqa: E402, F401
