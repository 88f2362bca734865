"""Authors (bylines) and keywords (SPIP « mots-clés », always in a group)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from redac.core.models import ImportRefMixin


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
