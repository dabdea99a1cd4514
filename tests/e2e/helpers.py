"""Steps the browser journeys share: signing in, typing, the axe-core check, and the
times typed into a session placed relative to now."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

DEMO_PASSWORD = "demo-password-123"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}

# axe-core as shipped in the axe-playwright-python wheel (read once).
AXE = Axe()


# Keystrokes typed one by one at the end of a text; the rest of a long text is pasted
# (each keystroke is a round trip to the browser, and the journeys should stay quick).
TYPED_TAIL = 8


def type_into(field: Locator, text: str) -> None:
    """Type into a field as a person would: long text is pasted, its last few characters
    typed key by key (key events, input events, the caret at the end)."""
    field.fill(text[:-TYPED_TAIL])  # also empties the field
    field.press_sequentially(text[-TYPED_TAIL:])


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    type_into(page.get_by_label("E-mail"), email)
    type_into(page.get_by_label("Password"), password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _describe(violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}×): {targets}"


def check_accessibility(page: Page, name: str) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page as it is now.

    Fails on any serious or critical violation; prints the moderate and minor ones
    (``pytest -s`` or ``-rP`` shows them) and returns them.
    """
    results = AXE.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    violations = results.response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    rest = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    for violation in rest:
        print(f"axe [{name}] {_describe(violation)}")
    assert not blocking, f"axe on {name} ({page.url}):\n" + "\n".join(map(_describe, blocking))
    return rest


def url_id(page: Page, pattern: str) -> int:
    """The number captured by ``pattern`` from the page's URL."""
    match = re.search(pattern, page.url)
    assert match, f"{pattern!r} not in {page.url}"
    return int(match.group(1))


@dataclass(frozen=True)
class SessionClock:
    """Times typed into a session that started some minutes ago, in the practice's zone
    (the server reads typed times as the practice's wall-clock time; the live server
    runs on real time, so sessions are placed relative to now)."""

    starts_at: datetime  # UTC, whole minutes
    zone: str

    @classmethod
    def started_ago(cls, minutes: int, zone: str) -> SessionClock:
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        return cls(now - timedelta(minutes=minutes), zone)

    def local(self, minutes: int = 0) -> datetime:
        return (self.starts_at + timedelta(minutes=minutes)).astimezone(ZoneInfo(self.zone))

    @property
    def date(self) -> str:
        """The start's day as a date field takes it (ISO)."""
        return self.local().date().isoformat()

    def at(self, minutes: int = 0) -> str:
        """``minutes`` after the start as a time field takes it (HH:MM)."""
        return self.local(minutes).strftime("%H:%M")
