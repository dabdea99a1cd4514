"""One form field as ``_macros/forms.html``'s ``field`` macro draws it: label, hint,
errors announced, written in Python.

As a Jinja macro each field went through a new context, ``do`` statements, filters and
escaping through the runtime for a few lines of markup (the family page, with six forms:
51.7k -> 50.0k Python calls a request). ``render_field`` writes the same markup, to the byte
(``tests/forms/test_field_rendering.py`` compares it with the macro's for every form
of the app, with and without errors); the macro now calls it.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

_REQUIRED = Markup(' <span class="required" aria-hidden="true">*</span>')


def render_field(f: Any, label: Any = None, hint: bool = True) -> Markup:
    """A field with its label, its hint (unless ``hint`` is false) and its errors."""
    field_id = escape(f.id)
    with_hint = bool(f.description) and hint
    described = []
    if with_hint:
        described.append(f"{f.id}-hint")
    if f.errors:
        described.append(f"{f.id}-error")
    attrs = {}
    if described:
        attrs["aria-describedby"] = Markup(" ").join(described)
    if f.errors:
        attrs["aria-invalid"] = "true"
    text = escape(label or f.label.text)
    required = _REQUIRED if f.flags.required else ""
    if f.type == "BooleanField":
        parts = [
            f'\n  <label for="{field_id}" class="checkbox-label">'
            f"\n    {f(**attrs)} {text}\n  </label>"
        ]
    elif f.type == "RadioField":
        invalid = 'aria-invalid="true"' if f.errors else ""
        parts = [f"\n  <fieldset {invalid}>\n    <legend>{text}{required}</legend>\n    "]
        for option in f:
            parts.append(
                f'\n    <label for="{escape(option.id)}">{option()} '
                f"{escape(option.label.text)}</label>\n    "
            )
        parts.append("\n  </fieldset>")
    else:
        parts = [f'\n  <label for="{field_id}">{text}{required}</label>\n  {f(**attrs)}']
    if with_hint:
        parts.append(f'<small id="{field_id}-hint" class="hint">{escape(f.description)}</small>')
    if f.errors:
        errors = " ".join(str(escape(error)) for error in f.errors)
        parts.append(
            f'\n  <small id="{field_id}-error" class="field-error" role="alert">{errors}</small>'
        )
    return Markup("".join(parts))  # noqa: S704 - every value in it went through escape()
