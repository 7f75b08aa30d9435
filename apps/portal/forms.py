"""Forms of the requester portal: they parse input; the intake services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.errors import ApplicationError
from apps.policy.models import ComplaintType, EvidenceTier, Platform, SpecialCase
from apps.sla.selectors import localized


class LocalizedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return localized(obj, "name")


def apply_error(form: forms.Form, error: ApplicationError) -> None:
    """Show an ApplicationError next to the fields it names, or above the form."""
    fields = dict(error.extra.get("fields") or {})
    if error.extra.get("field") and not fields:
        fields[error.extra["field"]] = [error.message]
    placed = False
    for name, messages in fields.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class PlatformForm(forms.Form):
    platform = LocalizedChoiceField(
        label=_("Platform where you filed the complaint"),
        queryset=Platform.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    complaint_type = LocalizedChoiceField(
        label=_("What was the complaint about?"),
        queryset=ComplaintType.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("We check it against the complaint itself at the next step."),
    )
    special_case = LocalizedChoiceField(
        label=_("Does one of these apply? (optional)"),
        queryset=SpecialCase.objects.all(),
        required=False,
        empty_label=_("None of these"),
        help_text=_("A special case needs its own documents before the request can be decided."),
    )


class ComplaintNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Complaint number"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


# The letter form speaks to requesters in the coach's words (letter_coach.glossary), with Chinese punctuation.
LETTER_FORM = "letter form"
LETTER_TOO_LONG = {"max_length": _("At most %(limit_value)d characters: this text has %(show_value)d.")}


class LetterForm(forms.Form):
    complaint_time = forms.DateTimeField(
        label=pgettext_lazy(LETTER_FORM, "When did you file the complaint? (to the minute)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    respondent = forms.CharField(
        label=pgettext_lazy(LETTER_FORM, "Who did you complain about?"), max_length=200, required=False,
        error_messages=LETTER_TOO_LONG,
        help_text=pgettext_lazy(LETTER_FORM, "The person, shop or account named in the complaint."),
    )
    reason = forms.CharField(
        label=pgettext_lazy(LETTER_FORM, "Why do you want to withdraw it?"), max_length=2000, required=False,
        error_messages=LETTER_TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=pgettext_lazy(LETTER_FORM, "Your letter"), max_length=5000, required=False,
        error_messages=LETTER_TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=pgettext_lazy(
            LETTER_FORM,
            "Say what happened, ask for the complaint to be withdrawn, and say what compensation you offer "
            "the other party.",
        ),
    )
    # The page numbers its saves so an older autosave never overwrites a newer one (letter_autosave).
    sequence = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class LetterAutosaveForm(LetterForm):
    """The letter as it stands while it is typed, with the page's number for this save."""

    sequence = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": _("This save has no valid sequence number: reload the page and try again."),
            "invalid": _("This save has no valid sequence number: reload the page and try again."),
            "min_value": _("This save has no valid sequence number: reload the page and try again."),
        },
    )

    def first_error(self) -> tuple[str, str]:
        """The first problem with the input, as (field, a sentence naming the field)."""
        for name, errors in self.errors.items():
            if name in self.fields and name != "sequence":
                label = self.fields[name].label
                return name, str(_("%(field)s: %(error)s")) % {"field": label, "error": errors[0]}
            return name, str(errors[0])
        return "", ""


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File (PDF, or a Word document for pictures)"),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".pdf,.docx,application/pdf,"
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            # The browser names its own button in its own language; portal.js puts this one instead.
            "data-choose-label": _("Choose a file"),
        }),
    )
    tier = LocalizedChoiceField(
        label=_("What kind of evidence is it?"),
        queryset=EvidenceTier.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    document = forms.ChoiceField(label=_("Is it one of the required documents?"), required=False)

    def __init__(self, *args: Any, documents: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = {str(doc.pk): doc for doc in documents or []}
        field = self.fields["document"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  (declared above)
        field.choices = [("", _("No, other evidence"))] + [
            (key, localized(doc, "name")) for key, doc in self.documents.items()
        ]

    def clean_document(self) -> Any:
        value = self.cleaned_data.get("document")
        return self.documents.get(value) if value else None


class CoolOffForm(forms.Form):
    platform = LocalizedChoiceField(
        label=_("Platform"), queryset=Platform.objects.filter(is_active=True), empty_label=None
    )
    number = forms.CharField(label=_("Complaint number"), max_length=64)
