"""Portal: the client's own safety plan as a card to print (the plan itself is on the
home page). Only the newest version is ever shown to the client."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from tracker.extensions import db
from tracker.models import Practice
from tracker.portal import bp
from tracker.portal.home import own_client_record
from tracker.printing.pdf import RenderError
from tracker.printing.safety_plan_card import render_card
from tracker.responses import pdf_response
from tracker.services import safety_plan as plan_service
from tracker.web import record_view


@bp.route("/safety-plan/card.pdf")
def safety_plan_card():
    """The card in the language the client reads the portal in. A client has no way to
    name anyone else's plan: the URL carries no id."""
    client = own_client_record()
    row = plan_service.latest_version(client)
    if row is None:
        abort(404)
    try:
        card = render_card(client, row, db.session.get(Practice, client.practice_id))
    except RenderError:
        flash(_("Your card could not be made just now. Please try again in a moment."), "warning")
        return redirect(url_for("portal.home"))
    record_view("safety_plan.download", **plan_service.audit_fields(row))
    return pdf_response(card.content, card.filename)
