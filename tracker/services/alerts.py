"""Safety alerts: raising one for the care team.

Every alert goes through ``raise_alert`` so that the messages it causes (the care team
at once, the backup clinicians after the practice's escalation time, or at once when
urgent) are written in the same transaction as the alert itself.
"""

from __future__ import annotations

from tracker.domain.alerts import AlertNeed
from tracker.extensions import db
from tracker.models import Client, MeasureResponse, SafetyAlert


def raise_alert(client: Client, response: MeasureResponse, need: AlertNeed) -> SafetyAlert:
    """Store an alert for the client's care team (flushes, never commits)."""
    alert = SafetyAlert(
        client_id=client.id, response_id=response.id, kind=need.kind, urgent=need.urgent
    )
    db.session.add(alert)
    db.session.flush()
    return alert
