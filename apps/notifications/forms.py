"""The requester's channel choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.masking import mask_phone
from apps.outbound.admin import mask_recipient


class NoticePreferenceForm(forms.Form):
    sms = forms.BooleanField(label=_("Text messages"), required=False)
    email = forms.BooleanField(label=_("E-mails"), required=False)

    def __init__(self, *args: object, requester: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        sms, email = self.fields["sms"], self.fields["email"]
        if requester.phone:
            sms.help_text = _("To %(phone)s") % {"phone": mask_phone(requester.phone)}
        else:
            sms.disabled = True
            sms.help_text = _("Your account has no mobile number.")
        if requester.email:
            email.help_text = _("To %(address)s") % {"address": mask_recipient("email", requester.email)}
        else:
            email.disabled = True
            email.help_text = _("Your account has no e-mail address.")
