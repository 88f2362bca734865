from django import forms

from redac.core.lib.antispam import RateLimit

from .models import CONSENT_TEXT, NewsletterList


class SignupForm(forms.Form):
    """The address, the lists it asks for (the public ones; with a single list, no choice is
    shown and that list is meant), the consent, and the anti-spam fields."""

    rate_limit = RateLimit("newsletter", 5, 600)

    email = forms.EmailField(label="Votre adresse électronique", max_length=254)
    lists = forms.ModelMultipleChoiceField(
        label="Les lettres que vous voulez recevoir", required=False,
        queryset=NewsletterList.objects.none(), widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True)
    site_web = forms.CharField(required=False, label="Ne pas remplir ce champ")
    horodatage = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, public_lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.public_lists = public_lists
        self.fields["lists"].queryset = NewsletterList.objects.filter(
            pk__in=[item.pk for item in public_lists]
        )

    @property
    def offers_a_choice(self) -> bool:
        return len(self.public_lists) > 1

    def clean_email(self):
        email = self.cleaned_data["email"]
        if not email.isascii():
            raise forms.ValidationError("Écrivez l'adresse sans accents ni caractères spéciaux.")
        return email

    def clean_lists(self):
        chosen = list(self.cleaned_data.get("lists") or [])
        if not chosen and not self.offers_a_choice:
            return list(self.public_lists)
        if not chosen:
            raise forms.ValidationError("Choisissez au moins une lettre.")
        return chosen
