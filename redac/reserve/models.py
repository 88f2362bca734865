from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="warning")
class ElectionSilence(BaseSiteSetting):
    starts_at = models.DateTimeField(
        _("début"), null=True, blank=True,
        help_text=_("En général la veille du scrutin à 0 h."),
    )  # fmt: skip
    ends_at = models.DateTimeField(
        _("fin"), null=True, blank=True,
        help_text=_("En général la fermeture du dernier bureau de vote."),
    )  # fmt: skip

    panels = [FieldPanel("starts_at"), FieldPanel("ends_at")]

    class Meta:
        verbose_name = _("période de réserve électorale")
        verbose_name_plural = _("période de réserve électorale")

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.starts_at and self.ends_at and self.starts_at <= now < self.ends_at)
