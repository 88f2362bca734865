"""The flash ticker and campaign banners: site-wide snippets with drafts and schedules."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PublishingPanel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin
from wagtail.search import index

from redac.core.models import ImportRefMixin

FLASH_TICKER_SIZE = 5


class LinkMixin(models.Model):
    """A link to a page of the site, or to an outside address."""

    link_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("page liée"),
    )  # fmt: skip
    link_url = models.URLField(_("ou adresse externe"), blank=True, max_length=1000)

    class Meta:
        abstract = True

    @property
    def url(self) -> str:
        if self.link_page_id and self.link_page.live:
            return self.link_page.url or ""
        return self.link_url


class FlashItemQuerySet(models.QuerySet):
    def visible(self, now=None):
        """Published, not expired: what the ticker shows (expired items are hidden even before the
        scheduler unpublishes them)."""
        now = now or timezone.now()
        return self.filter(live=True).filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))


class FlashItem(DraftStateMixin, LockableMixin, RevisionMixin, LinkMixin, ImportRefMixin,
                index.Indexed, models.Model):  # fmt: skip
    """One line of the flash ticker: "Flash : 2 décembre - <titre> Lire"."""

    date = models.DateTimeField(_("date"), default=timezone.now)
    title = models.CharField(
        _("titre"), max_length=200, help_text=_("Une seule ligne, sans mise en forme."),
    )  # fmt: skip

    objects = FlashItemQuerySet.as_manager()
    panels = [
        FieldPanel("title"), FieldPanel("date"),
        MultiFieldPanel([FieldPanel("link_page"), FieldPanel("link_url")], heading=_("Lien « Lire »")),
        PublishingPanel(),
    ]  # fmt: skip
    search_fields = [index.SearchField("title")]

    class Meta:
        ordering = ["-date"]
        verbose_name = _("flash")
        verbose_name_plural = _("flashs")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if "\n" in self.title or "\r" in self.title:
            raise ValidationError({"title": _("Le titre d'un flash tient sur une ligne.")})


class CampaignBannerQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(live=True, starts_at__lte=now).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


class CampaignBanner(DraftStateMixin, LockableMixin, RevisionMixin, LinkMixin, ImportRefMixin,
                     models.Model):  # fmt: skip
    """A promoted block shown on every page while its campaign runs."""

    title = models.CharField(_("titre"), max_length=200)
    text = models.TextField(_("texte"), blank=True, max_length=600)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("image"),
    )  # fmt: skip
    starts_at = models.DateTimeField(_("début"), default=timezone.now)
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)

    objects = CampaignBannerQuerySet.as_manager()
    panels = [
        FieldPanel("title"), FieldPanel("text"), FieldPanel("image"),
        MultiFieldPanel([FieldPanel("link_page"), FieldPanel("link_url")], heading=_("Lien")),
        MultiFieldPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("Période")),
        PublishingPanel(),
    ]  # fmt: skip

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("bannière de campagne")
        verbose_name_plural = _("bannières de campagne")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("La fin doit suivre le début.")})
