"""Reading rendered pages in tests: field errors, form values, table rows."""

from __future__ import annotations

import html
import re

from werkzeug.test import TestResponse


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _control(page: str, field_id: str) -> re.Match[str]:
    match = re.search(
        rf'<(input|select|textarea)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', page, re.S
    )
    assert match, f"no form control with id {field_id!r}"
    return match


def field_error(page: str, field_id: str) -> str:
    """The error shown for ``field_id``, asserting it directly follows that control.

    Only the field's own hint may sit between the control and its error, and the
    control points at the error with ``aria-describedby`` and is marked invalid.
    """
    control = _control(page, field_id)
    tag = control.group(0)
    assert 'aria-invalid="true"' in tag, f"{field_id} is not marked invalid"
    described = re.search(r'aria-describedby="([^"]*)"', tag)
    assert described and f"{field_id}-error" in described.group(1).split()
    rest = page[control.end() :]
    if control.group(1) in ("select", "textarea"):
        rest = rest[rest.index(f"</{control.group(1)}>") + len(control.group(1)) + 3 :]
    ident = re.escape(field_id)
    following = re.match(
        rf'\s*(?:<small id="{ident}-hint" class="hint">[^<]*</small>\s*)?'
        rf'<small id="{ident}-error" class="field-error" role="alert">([^<]*)</small>',
        rest,
    )
    assert following, f"no error directly after {field_id}: {rest[:200]!r}"
    return html.unescape(following.group(1))


def has_field_error(page: str, field_id: str) -> bool:
    return f'id="{field_id}-error"' in page


def field_value(page: str, field_id: str) -> str | None:
    """What the form shows in ``field_id``: input value, textarea text, selected option."""
    control = _control(page, field_id)
    kind, tag = control.group(1), control.group(0)
    if kind == "textarea":
        body = page[control.end() : page.index("</textarea>", control.end())]
        return html.unescape(body).lstrip("\r\n")
    if kind == "select":
        body = page[control.end() : page.index("</select>", control.end())]
        selected = re.search(r'<option\b[^>]*\bselected\b[^>]*value="([^"]*)"', body) or re.search(
            r'<option\b[^>]*value="([^"]*)"[^>]*\bselected\b', body
        )
        return html.unescape(selected.group(1)) if selected else None
    value = re.search(r'\bvalue="([^"]*)"', tag)
    return html.unescape(value.group(1)) if value else None


def is_checked(page: str, field_id: str) -> bool:
    return re.search(r"\bchecked\b", _control(page, field_id).group(0)) is not None


def caseload_names(page: str) -> list[str]:
    """Preferred names of the caseload rows, in the order shown."""
    return [html.unescape(name) for name in re.findall(r'<a href="/clients/\d+">([^<]+)</a>', page)]


def audit_actions(page: str) -> list[str]:
    """The action codes of the audit trail rows, in the order shown."""
    return re.findall(r"<td><code>([^<]+)</code></td>", page)


def section_text(page: str, section_id: str) -> str:
    """The words of ``<section id=section_id>``, tags removed and spaces collapsed."""
    match = re.search(rf'<section id="{re.escape(section_id)}"[^>]*>(.*?)</section>', page, re.S)
    assert match, f"no section {section_id!r}"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))).strip()
