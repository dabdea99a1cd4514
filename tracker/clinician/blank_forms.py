"""The fields of an entry form as a page first shows it, drawn once and kept.

A record page offers forms it does not expect to be used on most visits (an addendum,
an adverse event, a consent, …). Drawn through the field macros they cost more than
the rest of the page, yet empty and without errors they are the same markup on every
visit. So they are drawn once per template, language and whatever else went into them
(``key``: a default day, the choices offered), and that markup is reused. No entered
value and no error is ever kept: a form that comes back with what was typed is drawn
afresh. The cached markup holds labels, hints and choices only, never clinical text,
and its key names everything it was drawn from, so it cannot go stale; the code and
the catalogues are fixed for the life of a process.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import get_template_attribute, render_template
from markupsafe import Markup

from tracker.i18n import current_locale

# Enough for every form, language and key a practice uses; past it, start again.
MOST_KEPT = 512

_drawn: dict[tuple[Hashable, ...], Markup] = {}


def form_fields(
    template: str,
    form: Any = None,
    *,
    blank: Callable[[], Any],
    key: Hashable = (),
    context: dict[str, Any] | None = None,
) -> Markup:
    """``template`` (which draws the fields of ``form``) for ``form``, a form that came
    back with its values and errors; without one, for the empty form ``blank()``
    builds, drawn once per template, language and ``key`` (which must name whatever
    else in ``context`` the template draws)."""
    # A rendered template is markup already: autoescaping escaped every value in it.
    if form is not None:
        return Markup(render_template(template, form=form, **(context or {})))  # noqa: S704
    cache_key = (template, current_locale(), key)
    html = _drawn.get(cache_key)
    if html is None:
        if len(_drawn) >= MOST_KEPT:
            _drawn.clear()
        drawn = render_template(template, form=blank(), **(context or {}))
        html = _drawn[cache_key] = Markup(drawn)  # noqa: S704
    return html


# The fields whose empty (or unticked) markup is fixed by what the key below names.
_PLAIN_FIELDS = frozenset(
    {"StringField", "TextAreaField", "EmailField", "TelField", "BooleanField"}
)


def blank_field(field: Any) -> Markup:
    """``_macros/forms.html``'s ``field(f)``; an empty text field (or an unticked box)
    without errors is drawn once per language and everything its markup shows (id,
    name, label, hint, flags, attributes, widget) and reused."""
    if field.errors or field.data or field.type not in _PLAIN_FIELDS:
        return get_template_attribute("_macros/forms.html", "field")(field)
    key = (
        field.type,
        type(field.widget).__name__,
        field.id,
        field.name,
        str(field.label.text),
        str(field.description),
        tuple(sorted((name, str(value)) for name, value in (field.render_kw or {}).items())),
        tuple(sorted((name, str(value)) for name, value in vars(field.flags).items())),
    )
    cache_key = ("field", current_locale(), key)
    html = _drawn.get(cache_key)
    if html is None:
        if len(_drawn) >= MOST_KEPT:
            _drawn.clear()
        drawn = get_template_attribute("_macros/forms.html", "field")(field)
        html = _drawn[cache_key] = Markup(drawn)  # noqa: S704
    return html
