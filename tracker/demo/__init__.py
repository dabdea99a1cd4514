"""The demo practice: a realistic, small practice for trying the app, recorded through
the app's services (``seeding``, from the plain data in ``data``), and a large generated
one for benchmarks (``bulk``). Everything here is invented."""

from __future__ import annotations

from tracker.demo.bulk import seed_bulk_clients, seed_bulk_sessions
from tracker.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_PRACTICE, DemoAccount
from tracker.demo.seeding import SeedRefused, answers_for, demo_practice, seed_demo

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "DEMO_PRACTICE",
    "DemoAccount",
    "SeedRefused",
    "answers_for",
    "demo_practice",
    "seed_bulk_clients",
    "seed_bulk_sessions",
    "seed_demo",
]
