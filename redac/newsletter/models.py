from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Unconfirmed addresses are erased after this delay (and their confirmation link expires).
UNCONFIRMED_RETENTION = dt.timedelta(days=7)
#: The consent text shown on the form; its version is recorded with each subscription as proof.
CONSENT_VERSION = "2026-11-v1"
CONSENT_TEXT = (
    "J'accepte de recevoir la lettre d'information par courriel. Mon adresse ne sert qu'à cet "
    "envoi ; je peux me désinscrire à tout moment par le lien présent dans chaque lettre."
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de confirmation")
        CONFIRMED = "confirmed", _("inscrit")

    email = models.EmailField(_("adresse électronique"), max_length=254, unique=True)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)  # fmt: skip
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    consent_version = models.CharField(_("version du consentement"), max_length=40)
    consent_text = models.TextField(_("texte du consentement"))
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirm_sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribe_token = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("abonné")
        verbose_name_plural = _("abonnés")

    def __str__(self) -> str:
        return self.email

    def new_confirm_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.confirm_token_hash = hash_token(token)
        self.confirm_sent_at = timezone.now()
        return token

    @staticmethod
    def new_unsubscribe_token() -> str:
        return secrets.token_urlsafe(32)
