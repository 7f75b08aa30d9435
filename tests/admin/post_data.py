"""Turn a rendered admin change page back into the POST a browser would send, unchanged."""

from typing import Any

from django.forms import BaseForm, BoundField, MultiWidget
from django.test.client import Client


def _field_data(bound: BoundField) -> dict[str, Any]:
    value = bound.value()
    widget = bound.field.widget
    if isinstance(widget, MultiWidget):
        parts = value if isinstance(value, list) else widget.decompress(value)
        return {
            f"{bound.html_name}{suffix}": "" if part is None else str(part)
            for suffix, part in zip(widget.widgets_names, parts, strict=True)
        }
    if value is None or value is False:
        return {} if value is False else {bound.html_name: ""}
    if value is True:
        return {bound.html_name: "on"}
    if isinstance(value, list | tuple):
        return {bound.html_name: [str(getattr(item, "pk", item)) for item in value]}
    return {bound.html_name: str(getattr(value, "pk", value))}


def change_form_data(response: Any) -> dict[str, Any]:
    """Return the POST data of the admin form in `response`, inlines and management forms included."""
    forms: list[BaseForm] = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data: dict[str, Any] = {}
    for form in forms:
        for bound in form:
            data.update(_field_data(bound))
    return data


def post_change(client: Client, url: str, **changes: Any) -> Any:
    """Open a change page, change some fields and save it, as a person would."""
    data = change_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)
