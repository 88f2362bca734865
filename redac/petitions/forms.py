from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from redac.core.lib.antispam import RateLimit, count_links
from redac.core.lib.usertext import PlainTextField

from .models import MESSAGE_MAX_LENGTH

MAX_LINKS = 1
_POSTCODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z -]{0,11}$")


class SignForm(forms.Form):
    """The signature form; the petition's options decide which fields are asked and required."""

    #: Signatures per client address per window, shared by every worker and node
    #: (redac.core.lib.antispam.check_post).
    rate_limit = RateLimit("petition", limit=10, window=600)

    name = PlainTextField(label=_("Votre nom"), max_length=120, single_line=True)
    email = forms.EmailField(
        label=_("Votre adresse électronique (jamais publiée : elle sert à confirmer)"),
        max_length=254,
    )  # fmt: skip
    city = PlainTextField(label=_("Ville (facultative)"), max_length=100, single_line=True,
                          required=False)  # fmt: skip
    postcode = forms.CharField(label=_("Code postal (facultatif)"), max_length=12, required=False)
    website = forms.URLField(label=_("Votre site web (facultatif)"), max_length=500,
                             required=False, assume_scheme="https")  # fmt: skip
    message = PlainTextField(label=_("Votre message (facultatif)"), max_length=MESSAGE_MAX_LENGTH,
                             required=False, widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    consent = forms.BooleanField(required=True)
    site_web = forms.CharField(required=False, label=_("Ne pas remplir ce champ"))
    horodatage = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, petition, consent_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.fields["consent"].label = consent_text
        if petition.website_required:
            self.fields["website"].required = True
            self.fields["website"].label = _("Votre site web")
        if not (petition.website_required or petition.one_per_website):
            del self.fields["website"]
        if not petition.message_allowed:
            del self.fields["message"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if not email.isascii():
            raise forms.ValidationError(_("Écrivez l'adresse sans accents ni caractères spéciaux."))
        return email.strip().lower()

    def clean_postcode(self):
        postcode = " ".join(self.cleaned_data["postcode"].split())
        if postcode and not _POSTCODE.match(postcode):
            raise forms.ValidationError(_("Un code postal : des chiffres et des lettres."))
        return postcode

    def clean_message(self):
        message = self.cleaned_data["message"]
        if count_links(message) > MAX_LINKS:
            raise forms.ValidationError(_("Au plus un lien par message."))
        return message
