from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from redac.core.lib.antispam import RateLimit, count_links
from redac.core.lib.usertext import PlainTextField

from .models import BODY_MAX_LENGTH
from .services import is_reserved_name

MAX_LINKS = 2


class CommentForm(forms.Form):
    rate_limit = RateLimit("comment", 5, 600)

    author_name = PlainTextField(label=_("Votre nom (affiché)"), max_length=80, single_line=True)
    author_email = forms.EmailField(
        label=_("Votre adresse électronique (facultative, jamais affichée)"), required=False,
        max_length=254,
    )  # fmt: skip
    body = PlainTextField(label=_("Votre commentaire"), max_length=BODY_MAX_LENGTH,
                          widget=forms.Textarea(attrs={"rows": 6}),
                          help_text=_("Texte simple ; les adresses http(s) deviennent des liens."))  # fmt: skip
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    site_web = forms.CharField(required=False, label=_("Ne pas remplir ce champ"))
    horodatage = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_author_name(self):
        name = self.cleaned_data["author_name"]
        if is_reserved_name(name):
            raise forms.ValidationError(
                _("Ce nom est réservé à l'équipe du site : choisissez-en un autre.")
            )
        return name

    def clean_author_email(self):
        email = self.cleaned_data["author_email"]
        if email and not email.isascii():
            raise forms.ValidationError(_("Écrivez l'adresse sans accents ni caractères spéciaux."))
        return email

    def clean_body(self):
        body = self.cleaned_data["body"]
        if count_links(body) > MAX_LINKS:
            raise forms.ValidationError(
                _("Au plus %(count)d liens par commentaire.") % {"count": MAX_LINKS}
            )
        return body
