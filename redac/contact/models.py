"""The contact page and the messages readers send through it (mailed by core's outbox).

What readers write to a political organisation is political-opinion data (GDPR art. 9): every
message is **stored first** (the reader sees success as soon as it is in the database), then mailed
through the outbox, so that a mail server outage loses nothing. Messages are purged after
``REDAC_CONTACT_RETENTION_DAYS``; docs/privacy.md lists every datum kept here.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from redac.core.mail import split_addresses
from redac.core.models import OutgoingMail, SiteIdentity
from redac.news.models import BasePage


def validate_recipient_list(value: str) -> None:
    addresses = split_addresses(value)
    if not addresses:
        raise ValidationError(_("Indiquez au moins une adresse."))
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                _("« %(a)s » n'est pas une adresse valide."), params={"a": address}
            )


class ContactPage(BasePage):
    """The « Contactez-nous ! » page: an intro, subjects that route to recipients, the form."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("Texte affiché au-dessus du formulaire (adresses postales, permanences...)."),
    )  # fmt: skip
    thanks = models.TextField(
        _("message de remerciement"), blank=True, max_length=1000,
        default="Merci ! Votre message a bien été reçu ; nous vous répondrons dès que possible.",
    )  # fmt: skip

    privacy_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("page « données personnelles »"),
        help_text=_("Lien de la mention d'information sous le formulaire (à défaut : les "
                    "mentions légales)."),
    )  # fmt: skip

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("subjects", label=_("Sujet"), heading=_("Sujets et destinataires"), min_num=1),
        FieldPanel("thanks"),
        FieldPanel("privacy_page"),
    ]
    parent_page_types = ["news.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "contact/contact_page.html"

    class Meta:
        verbose_name = _("page de contact")
        verbose_name_plural = _("pages de contact")

    def get_privacy_page(self, request=None):
        if self.privacy_page_id and self.privacy_page.live:
            return self.privacy_page
        site = self.get_site()
        legal = SiteIdentity.for_site(site).legal_page if site else None
        return legal if legal and legal.live else None

    def serve(self, request, *args, **kwargs):
        from .views import serve_contact_page

        return serve_contact_page(self, request)


class ContactSubject(Orderable):
    """A subject a reader picks (« Presse », « Adhésion »...) and who receives it."""

    page = ParentalKey(ContactPage, on_delete=models.CASCADE, related_name="subjects")
    label = models.CharField(_("sujet"), max_length=100)
    recipients = models.TextField(
        _("destinataires"), max_length=2000, validators=[validate_recipient_list],
        help_text=_("Une ou plusieurs adresses, séparées par des virgules."),
    )  # fmt: skip

    panels = [FieldPanel("label"), FieldPanel("recipients")]

    class Meta(Orderable.Meta):
        verbose_name = _("sujet")

    def __str__(self) -> str:
        return self.label


class ContactMessageQuerySet(models.QuerySet):
    def for_person(self, email: str):
        return self.filter(email__iexact=email.strip())

    def older_than_retention(self, now=None):
        now = now or timezone.now()
        return self.filter(
            created_at__lt=now - dt.timedelta(days=settings.REDAC_CONTACT_RETENTION_DAYS)
        )


def attach_mails(messages) -> list:
    """The messages as a list, each with its mails read in one query for all (what a
    ``prefetch_related`` did when the outbox had a foreign key to contact)."""
    messages = list(messages)
    by_message: dict[int, list] = {message.pk: [] for message in messages}
    for mail in OutgoingMail.objects.filter(kind="contact", source_id__in=list(by_message)):
        by_message[mail.source_id].append(mail)
    for message in messages:
        message._mails = by_message[message.pk]
    return messages


class ContactMessage(models.Model):
    """A message as the reader wrote it. Stored verbatim (never rendered as HTML or a template)."""

    page = models.ForeignKey(ContactPage, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="messages", verbose_name=_("page"))  # fmt: skip
    subject = models.CharField(_("sujet"), max_length=100)
    recipients = models.TextField(_("destinataires"), max_length=2000)
    name = models.CharField(_("nom"), max_length=120)
    email = models.EmailField(_("adresse électronique"), max_length=254)
    message = models.TextField(_("message"), max_length=10_000)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now, db_index=True)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("traité par"),
    )  # fmt: skip

    objects = ContactMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message reçu")
        verbose_name_plural = _("messages reçus")

    def __str__(self) -> str:
        return f"{self.name} — {self.subject}"

    @property
    def is_handled(self) -> bool:
        return self.handled_at is not None

    def mark_handled(self, user, handled: bool = True) -> None:
        self.handled_at = timezone.now() if handled else None
        self.handled_by = user if handled else None
        self.save(update_fields=["handled_at", "handled_by"])

    @property
    def mails(self):
        """The outbox's mails about this message (its notification to the recipients)."""
        return OutgoingMail.objects.filter(kind="contact", source_id=self.pk)

    @property
    def delivery_status(self) -> str:
        mails = getattr(self, "_mails", None)
        if mails is None:
            mails = list(self.mails)
        if not mails:
            return ""
        statuses = {mail.status for mail in mails}
        for status in (OutgoingMail.Status.ABANDONED, OutgoingMail.Status.FAILED,
                       OutgoingMail.Status.SENDING, OutgoingMail.Status.PENDING):  # fmt: skip
            if status in statuses:
                return OutgoingMail.Status(status).label
        return OutgoingMail.Status.SENT.label


@receiver(pre_delete, sender=ContactMessage)
def delete_mails_with_message(sender, instance, **kwargs):
    """A deleted message takes its notification mails with it (retention, erasure): what the
    reader wrote must not stay in the outbox."""
    instance.mails.delete()
