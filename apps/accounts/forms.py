"""Sign-in forms: the mobile number, then the code sent to it. Phone keyboards, big fields."""

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.services import SMS_CODE_DIGITS, phone_normalise
from apps.core.errors import ApplicationError


class TelInput(forms.TextInput):
    input_type = "tel"


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("A mainland China mobile number, e.g. 138 0013 8000."),
        widget=TelInput(attrs={
            "inputmode": "numeric",
            "autocomplete": "tel-national",
            "class": "input-big",
            "placeholder": "138 0013 8000",
            "autofocus": True,
        }),
    )

    def clean_phone(self) -> str:
        try:
            return phone_normalise(phone=self.cleaned_data["phone"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message, code="invalid") from error


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(attrs={
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "pattern": "[0-9 ]*",
            "class": "input-big input-code",
            "autofocus": True,
        }),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", unicodedata.normalize("NFKC", self.cleaned_data["code"]))
        if not re.fullmatch(rf"[0-9]{{{SMS_CODE_DIGITS}}}", code):
            raise forms.ValidationError(_("Enter the 6 digits from the SMS."), code="invalid")
        return code
