from __future__ import annotations

from django import forms

from redac.core.lib.antispam import HONEYPOT_FIELD, STAMP_FIELD, RateLimit, count_links
from redac.core.lib.usertext import PlainTextField

MESSAGE_MAX_LENGTH = 10_000
MAX_LINKS = 3


class ContactForm(forms.Form):
    #: A person writes once or twice; a bot hundreds of times (security case 7).
    rate_limit = RateLimit("contact", 5, 600)

    name = PlainTextField(label="Votre nom", max_length=120, single_line=True)
    email = forms.EmailField(
        label="Votre adresse électronique", max_length=254,
        help_text="Pour vous répondre ; elle n'est communiquée à personne d'autre.",
    )  # fmt: skip
    subject = forms.ChoiceField(label="Sujet", choices=())
    message = PlainTextField(label="Votre message", max_length=MESSAGE_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 10}))  # fmt: skip
    # Anti-spam (redac.core.lib.antispam): a field humans never see, and when the form was shown.
    site_web = forms.CharField(required=False, label="Ne pas remplir ce champ")
    horodatage = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = {str(subject.pk): subject for subject in subjects}
        self.fields["subject"].choices = [("", "— Choisissez —")] + [
            (key, subject.label) for key, subject in self.subjects.items()
        ]
        assert HONEYPOT_FIELD in self.fields and STAMP_FIELD in self.fields

    def clean_email(self):
        email = self.cleaned_data["email"]
        # EmailField already refuses quotes, angle brackets and spaces (case 3); refuse non-ASCII
        # addresses too: they would need SMTPUTF8, which many relays lack, and a Reply-To that
        # cannot be delivered is worse than a clear error now.
        if not email.isascii():
            raise forms.ValidationError(
                "Écrivez l'adresse sans accents ni caractères spéciaux (ex. : nom@exemple.fr)."
            )
        return email

    def clean_message(self):
        message = self.cleaned_data["message"]
        if count_links(message) > MAX_LINKS:
            raise forms.ValidationError(
                f"Votre message contient trop de liens (au plus {MAX_LINKS}) : retirez-en."
            )
        return message

    def clean_subject(self):
        return self.subjects[self.cleaned_data["subject"]]
