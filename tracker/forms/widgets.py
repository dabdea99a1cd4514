"""Cheaper drawing of WTForms widgets, to the byte the same HTML.

WTForms writes every attribute through ``html_params``, which formats each one with
``Markup.format`` (a ``string.Formatter`` round per attribute; ``forms.fields.html_params``
is the cheap one, used here and installed into WTForms), looks the validation
flags up with ``dir()`` and inspects ``render_option``'s signature once per select.
On a page with several forms that was a third of the request. ``FastWidgetsMeta``
draws the same widgets with plain string building instead: a form opts in by taking
it as its ``Meta`` (``class Meta(FastWidgetsMeta)`` or by subclassing ``Form``
below). ``tests/forms/test_widgets.py`` renders every form of the app both ways and
compares the markup.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Form as PlainForm
from wtforms import RadioField, widgets
from wtforms.fields.core import Label
from wtforms.meta import DefaultMeta
from wtforms.widgets.core import clean_key

from tracker.forms.fields import html_params


def _markup(html: str) -> Markup:
    """HTML put together here from escaped values and the widgets' own tags."""
    return Markup(html)  # noqa: S704 - every value in it went through escape()


def _flag_attributes(widget, field, kwargs: dict) -> None:
    """The field's validation flags (required, maxlength, …) the widget puts on the tag."""
    flags = getattr(field, "flags", None)
    present = getattr(flags, "__dict__", None)
    if not present:
        return
    for name in widget.validation_attrs:
        if name in present and name not in kwargs:
            value = present[name]
            kwargs[name] = value() if callable(value) else value


class _FastInput(widgets.Input):
    html_params = staticmethod(html_params)

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("type", self.input_type)
        if "value" not in kwargs:
            kwargs["value"] = field._value()
        datalist = getattr(field, "_datalist", None)
        if datalist is not None and "list" not in kwargs:
            kwargs["list"] = datalist if isinstance(datalist, str) else datalist.id
        _flag_attributes(self, field, kwargs)
        return _markup(f"<input {html_params(name=field.name, **kwargs)}>")


class _FastTextArea(widgets.TextArea):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", None)
        present = getattr(flags, "__dict__", None) or {}
        for name in self.validation_attrs:
            if name in present and name not in kwargs:
                kwargs[name] = present[name]
        params = html_params(name=field.name, **kwargs)
        return _markup(f"<textarea {params}>\r\n{escape(field._value())}</textarea>")


def _option(choice, **kwargs) -> str:
    value = choice.value
    if isinstance(value, bool):
        value = str(value)
    label = escape(choice.label or choice.value)
    if not choice.render_kw and not kwargs:
        value = str(escape(value))
        if '"' in value:
            value = value.replace('"', "&quot;")
        selected = "selected " if choice.selected else ""
        return f'<option {selected}value="{value}">{label}</option>'
    options = {"value": value, **(choice.render_kw or {}), **kwargs}
    if choice.selected:
        options["selected"] = True
    return f"<option {html_params(**options)}>{label}</option>"


class _FastSelect(widgets.Select):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        _flag_attributes(self, field, kwargs)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        if field.has_groups():
            for group, choices in field._iter_groups_normalized():
                if group is not None:
                    html.append(f"<optgroup {html_params(label=group)}>")
                html.extend(_option(choice) for choice in choices)
                if group is not None:
                    html.append("</optgroup>")
        else:
            html.extend(_option(choice) for choice in field._iter_choices_normalized())
        html.append("</select>")
        return _markup("".join(html))


class _FastOption(widgets.Option):
    def __call__(self, field, **kwargs):
        return _markup(_option(field.choice, **kwargs))


class _FastListWidget(widgets.ListWidget):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        html = [f"<{self.html_tag} {html_params(**kwargs)}>"]
        for subfield in field:
            if self.prefix_label:
                html.append(f"<li>{subfield.label} {subfield()}</li>")
            else:
                html.append(f"<li>{subfield()} {subfield.label}</li>")
        html.append(f"</{self.html_tag}>")
        return _markup("".join(html))


# A widget class of WTForms → the class drawing it cheaply. An Input subclass keeps its
# own __call__ (checked, step, hidden value …) and reaches _FastInput through super().
_REPLACED = {
    widgets.TextArea: _FastTextArea,
    widgets.Select: _FastSelect,
    widgets.Option: _FastOption,
    widgets.ListWidget: _FastListWidget,
}
_fast_classes: dict[type, type | None] = {}
_fast_widgets: WeakKeyDictionary = WeakKeyDictionary()


def _fast_class(cls: type) -> type | None:
    if cls not in _fast_classes:
        fast = _REPLACED.get(cls)
        if fast is None and issubclass(cls, widgets.Input) and cls.__module__.startswith("wtforms"):
            fast = _FastInput if cls is widgets.Input else type(cls.__name__, (cls, _FastInput), {})
        _fast_classes[cls] = fast
    return _fast_classes[cls]


def fast_widget(widget):
    """The cheap twin of a WTForms widget (same settings), or the widget itself when it
    is one of ours or has no twin."""
    try:
        return _fast_widgets[widget]
    except KeyError:
        pass
    except TypeError:  # not weak-referenceable: draw it as it is
        return widget
    cls = _fast_class(type(widget))
    if cls is None:
        return widget  # not cached: the entry would keep its own weak key alive
    fast = cls.__new__(cls)
    fast.__dict__.update(widget.__dict__)
    _fast_widgets[widget] = fast
    return fast


class FastWidgetsMeta(DefaultMeta):
    """Form meta drawing fields with the cheap widgets above."""

    def render_field(self, field, render_kw):
        if render_kw:
            render_kw = {clean_key(k): v for k, v in render_kw.items()}
        other = getattr(field, "render_kw", None)
        if other is not None:
            render_kw = dict({clean_key(k): v for k, v in other.items()}, **render_kw)
        return fast_widget(field.widget)(field, **render_kw)


class Form(FlaskForm):
    """A Flask-WTF form (CSRF and all) whose fields draw with the cheap widgets."""

    class Meta(FastWidgetsMeta):
        pass


class SubForm(PlainForm):
    """A plain WTForms form (for ``FormField``) drawing with the cheap widgets."""

    class Meta(FastWidgetsMeta):
        pass


class _RadioButton:
    """One choice of a ``FastRadioField``: what WTForms' option subfield offers a
    template (``id``, ``label``, ``checked``, called to draw its input), without building
    a field per choice."""

    __slots__ = ("_field", "checked", "id", "label", "value")

    def __init__(self, field: FastRadioField, index: int, choice) -> None:
        self._field = field
        self.id = f"{field.id}-{index}"
        self.label = Label(self.id, choice.label or choice.value)
        self.checked = choice.selected
        self.value = choice.value

    def __call__(self, **kwargs) -> Markup:
        """The radio input, as ``RadioInput`` draws an option subfield."""
        field = self._field
        if kwargs:
            kwargs = {clean_key(k): v for k, v in kwargs.items()}
        if field.render_kw is not None:
            kwargs = dict({clean_key(k): v for k, v in field.render_kw.items()}, **kwargs)
        if self.checked:
            kwargs.setdefault("checked", True)
        kwargs.setdefault("id", self.id)
        kwargs.setdefault("type", "radio")
        if "value" not in kwargs:
            kwargs["value"] = str(self.value)
        _flag_attributes(widgets.RadioInput, field, kwargs)
        return _markup(f"<input {html_params(name=field.name, **kwargs)}>")


class FastRadioField(RadioField):
    """A ``RadioField`` whose choices iterate as light buttons (see ``_RadioButton``):
    a questionnaire draws dozens of them. Same markup, same validation."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.type = "RadioField"  # drawn as one by the form macros

    def __iter__(self):
        for index, choice in enumerate(self._iter_choices_normalized()):
            yield _RadioButton(self, index, choice)
