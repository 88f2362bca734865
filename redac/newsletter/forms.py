from django import forms

from redac.core.lib.antispam import RateLimit

from .models import CONSENT_TEXT


class SignupForm(forms.Form):
    rate_limit = RateLimit("newsletter", 5, 600)

    email = forms.EmailField(label="Votre adresse électronique", max_length=254)
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True)
    site_web = forms.CharField(required=False, label="Ne pas remplir ce champ")
    horodatage = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if not email.isascii():
            raise forms.ValidationError("Écrivez l'adresse sans accents ni caractères spéciaux.")
        return email
