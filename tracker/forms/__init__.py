"""Forms shared by more than one audience, one module per area (`fields`, `goals`,
`measures`). A form used by one blueprint lives beside its views as `<area>_forms.py`.

`widgets` draws fields cheaply (the same HTML as WTForms' own widgets): a form takes
`widgets.Form` as its base (or `widgets.FastWidgetsMeta` as its `Meta`), a sub-form
`widgets.SubForm`, a long list of radio buttons `widgets.FastRadioField`."""
