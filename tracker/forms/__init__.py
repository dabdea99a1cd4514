"""Forms shared by more than one audience, one module per area (`fields`, `goals`,
`measures`). A form used by one blueprint lives beside its views as `<area>_forms.py`."""
