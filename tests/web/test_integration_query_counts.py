"""The portal home and the client's pages load what they show in a fixed number of queries.

Client A has 2 of everything (assignments with completions, goals with ratings, shared
journal entries), client B has 60; both sides must send the same number of statements.
"""

from __future__ import annotations

import pytest

from tests.factories import bulk_integration, login
from tracker.extensions import db

FEW, MANY = 2, 60


@pytest.fixture
def sized(world):
    bulk_integration(world.client_a, FEW)
    bulk_integration(world.client_b, MANY)
    db.session.commit()
    return world


def statements_for(app, count_queries, user, path: str, expected_text: str) -> list[str]:
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    assert browser.get(path).status_code == 200  # warm-up: first-request work is not counted
    with count_queries() as statements:
        response = browser.get(path)
    assert response.status_code == 200
    assert expected_text in response.get_data(as_text=True)
    return list(statements)


def test_portal_home_query_count_does_not_grow(app, sized, count_queries):
    few = statements_for(app, count_queries, sized.client_user_a, "/portal/", "Bulk goal 1")
    many = statements_for(app, count_queries, sized.client_user_b, "/portal/", "Bulk goal 59")
    assert len(few) == len(many), "\n".join(many)
    assert len(many) <= 8, "\n".join(many)


@pytest.mark.parametrize(
    ("page", "shown", "most"),
    [
        # the record: sign-in session, client with team, practice, colleagues, screenings,
        # consents, homework counted, plans, newest completions and journal entries, audit
        ("/clients/{id}", "Done: Bulk practice", 11),
        ("/clients/{id}/homework", "Bulk practice {last}", None),
        ("/clients/{id}/goals", "Bulk goal {last}", None),
    ],
)
def test_client_pages_query_count_does_not_grow(app, sized, count_queries, page, shown, most):
    few = statements_for(
        app,
        count_queries,
        sized.therapist_a,
        page.format(id=sized.client_a.id),
        shown.format(last=FEW - 1),
    )
    many = statements_for(
        app,
        count_queries,
        sized.therapist_b,
        page.format(id=sized.client_b.id),
        shown.format(last=MANY - 1),
    )
    assert len(few) == len(many), "\n".join(many)
    if most is not None:
        assert len(many) <= most, "\n".join(many)


def test_the_feed_shows_many_rows_newest_first(app, sized):
    browser = app.test_client()
    login(browser, sized.therapist_b)
    page = browser.get(f"/clients/{sized.client_b.id}").get_data(as_text=True)
    # the client page shows the ten newest items; completions are newest here
    assert page.count("Done: Bulk practice") == 10
    assert "Bulk reflection" in page
