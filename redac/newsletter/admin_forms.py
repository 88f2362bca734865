from django import forms

from . import composing
from .models import Letter, NewsletterList


def page_label(page) -> str:
    kind = "Brève" if type(page).__name__ == "BrevePage" else "Article"
    when = f" ({page.date:%d/%m/%Y})" if getattr(page, "date", None) else ""
    return f"{kind} — {page.title}{when}"


class LetterForm(forms.ModelForm):
    pages = forms.MultipleChoiceField(label="Articles et brèves", required=False,
                                      widget=forms.CheckboxSelectMultiple)  # fmt: skip
    since_last = forms.BooleanField(
        label="Tout ce qui est paru depuis la dernière lettre de cette liste", required=False,
        help_text="Remplace la sélection ci-dessus.",
    )  # fmt: skip

    class Meta:
        model = Letter
        fields = ["list", "subject", "editorial"]
        widgets = {"editorial": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"editorial": "Texte brut ; une ligne vide sépare les paragraphes."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = {str(page.pk): page for page in composing.candidates()}
        if self.instance.pk:
            for item in self.instance.letter_items.select_related("page"):
                self.offered.setdefault(str(item.page_id), item.page.specific)
            self.initial.setdefault("pages", [str(pk) for pk in
                                              self.instance.letter_items.values_list("page_id", flat=True)])  # fmt: skip
        self.fields["pages"].choices = [(pk, page_label(page)) for pk, page in self.offered.items()]

    def chosen_pages(self):
        if self.cleaned_data.get("since_last"):
            return composing.since_last_letter(self.cleaned_data["list"])
        return [self.offered[pk] for pk in self.cleaned_data.get("pages", [])]


class ImportForm(forms.Form):
    list = forms.ModelChoiceField(label="Liste", queryset=NewsletterList.objects.all())
    file = forms.FileField(label="Fichier CSV",
                           help_text="Une adresse par ligne (la première colonne qui contient "
                                     "une adresse) ; une ligne d'en-tête est ignorée.")  # fmt: skip
    consent = forms.BooleanField(
        label="Ces personnes ont consenti à recevoir cette lettre, et je peux le prouver.",
        required=True,
        error_messages={"required": "Sans ce consentement, aucune adresse n'est importée."},
    )  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("Fichier trop gros (10 Mo au plus).")
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError("Ce fichier n'est pas un texte CSV lisible.")
