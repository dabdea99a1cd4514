"""The client record's homework summary, counted in the database: the same adherence as
the rule applied to every completion, and the same newest feed items, without reading
(or decrypting) what it does not show."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from tests.factories import complete, make_assignment, write_journal
from tracker.domain import homework as rules
from tracker.extensions import db
from tracker.services import homework as homework_service

TODAY = date(2026, 5, 13)  # a Wednesday


def rule_adherence(client, today: date) -> rules.Adherence:
    """The adherence the homework page computes from every loaded completion."""
    items = homework_service.assignments(client)
    views = homework_service.assignment_views(items, today)
    return rules.combined_adherence(view.adherence for view in views)


def test_counted_adherence_is_the_rule_over_every_kind_of_schedule(world):
    client = world.client_a

    def days(n: int) -> date:
        return TODAY + timedelta(days=n)

    schedules = [
        # once: due, due ahead, without due (past and future start), stopped before or after
        {"recurrence": "once", "start_date": days(-5), "due_date": TODAY},
        {"recurrence": "once", "start_date": days(-2), "due_date": days(4)},
        {"recurrence": "once", "start_date": days(-3)},
        {"recurrence": "once", "start_date": days(3)},
        {
            "recurrence": "once",
            "start_date": days(-9),
            "due_date": days(-2),
            "stopped_on": days(-4),
        },
        {"recurrence": "once", "start_date": days(2), "stopped_on": days(5)},
        # daily: open-ended, with a due date past or ahead, stopped, not started
        {"recurrence": "daily", "start_date": days(-12)},
        {"recurrence": "daily", "start_date": days(-6), "due_date": days(3)},
        {"recurrence": "daily", "start_date": days(-20), "due_date": days(-8)},
        {"recurrence": "daily", "start_date": days(-10), "stopped_on": days(-3)},
        {"recurrence": "daily", "start_date": days(2)},
        # weekly on chosen days, open-ended, due ahead, stopped
        {"recurrence": "weekly", "weekdays": "0,2,4", "start_date": days(-25)},
        {"recurrence": "weekly", "weekdays": "6", "start_date": days(-15), "due_date": days(10)},
        {
            "recurrence": "weekly",
            "weekdays": "1,5",
            "start_date": days(-30),
            "stopped_on": days(-6),
        },
    ]
    pick = random.Random(14)
    for values in schedules:
        assignment = make_assignment(client, **values)
        # completions on occurrences and on days that are not (before the start, after
        # the end, other weekdays, ahead of today): only occurrences may count
        for offset in pick.sample(range(-32, 12), 18):
            complete(assignment, TODAY + timedelta(days=offset), shared=False)
    db.session.commit()

    for today in (
        TODAY - timedelta(days=7),
        TODAY,
        TODAY + timedelta(days=1),
        TODAY + timedelta(days=9),
    ):
        counted = homework_service.client_adherence(client, today)
        assert counted == rule_adherence(client, today), today
    assert homework_service.client_adherence(client, TODAY).expected > 40


def test_recent_adherence_is_the_rule_since_a_day_for_each_client(world):
    test_counted_adherence_is_the_rule_over_every_kind_of_schedule(world)
    make_assignment(world.client_b, start_date=TODAY - timedelta(days=40))  # B: none done
    db.session.commit()
    clients = [world.client_a, world.client_b]
    for today in (TODAY - timedelta(days=7), TODAY, TODAY + timedelta(days=9)):
        since = today - timedelta(days=13)
        expected = {}
        for client in clients:
            relevant = [
                a
                for a in homework_service.assignments(client)
                if a.start_date <= today
                and (a.due_date is None or a.due_date >= since)
                and (a.stopped_on is None or a.stopped_on >= since)
            ]
            if relevant:
                expected[client.id] = sorted(
                    (
                        rules.adherence(
                            a.schedule, [e.occurrence_date for e in a.entries], today, since=since
                        )
                        for a in relevant
                    ),
                    key=repr,
                )
        counted = homework_service.recent_adherence([c.id for c in clients], today, since)
        assert {key: sorted(parts, key=repr) for key, parts in counted.items()} == expected
        assert world.client_b.id in counted


def test_counted_adherence_without_homework_or_completions(world):
    assert homework_service.client_adherence(world.client_a, TODAY) == rules.Adherence(0, 0)
    make_assignment(world.client_a, start_date=TODAY - timedelta(days=3))
    make_assignment(world.client_b, start_date=TODAY - timedelta(days=3))  # not A's
    complete(db.session.merge(make_assignment(world.client_b)), TODAY)
    db.session.commit()
    assert homework_service.client_adherence(world.client_a, TODAY) == rules.Adherence(0, 4)


@pytest.mark.parametrize("limit", [3, 10])
def test_recent_activity_is_the_newest_of_the_whole_feed(world, limit):
    client = world.client_a
    first = make_assignment(client, start_date=TODAY - timedelta(days=20))
    second = make_assignment(
        client, recurrence="weekly", weekdays="1,3", start_date=TODAY - timedelta(days=20)
    )
    for offset in range(8):
        complete(
            first,
            TODAY - timedelta(days=offset),
            f"Shared thought {offset}",
            shared=offset % 2 == 0,
        )
        complete(second, TODAY - timedelta(days=offset), None)
        write_journal(client, f"Journal {offset}", shared=offset % 3 == 0, title=f"Entry {offset}")
    db.session.commit()

    whole = homework_service.activity_feed(client, homework_service.assignments(client), limit)
    assert homework_service.recent_activity(client, limit) == whole
    assert len(whole) == limit


def test_recent_activity_never_reads_an_unshared_reflection(world, monkeypatch):
    client = world.client_a
    assignment = make_assignment(client)
    complete(assignment, TODAY - timedelta(days=1), "Private thought", shared=False)
    complete(assignment, TODAY, "Shared thought", shared=True)
    db.session.commit()
    db.session.expunge_all()

    from tracker.models import base

    read = []
    decrypt = base.field_cipher.decrypt

    def spy(token: str) -> str:
        read.append(text := decrypt(token))
        return text

    monkeypatch.setattr(base.field_cipher, "decrypt", spy)
    items = homework_service.recent_activity(db.session.merge(client), 10)
    assert sorted(str(item.text) for item in items) == ["None", "Shared thought"]
    assert "Shared thought" in read and "Private thought" not in read
