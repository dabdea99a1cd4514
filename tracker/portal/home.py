"""Portal home: the client's calm starting point."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.models import Client
from tracker.portal import bp


def own_client_record() -> Client | None:
    """The client record linked to the signed-in portal account."""
    return db.session.scalar(
        select(Client)
        .where(Client.portal_user_id == current_user.id)
        .options(joinedload(Client.primary_therapist))
    )


@bp.route("/")
def home():
    return render_template("portal/home.html", client=own_client_record())
