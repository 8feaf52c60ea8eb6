"""The state a candidate sees for each application (issue 3: received, waiting for consent,
in review, interview, offer, closed, restricted). Derived, never stored: it follows the stage
staff set, the candidate's restriction or objection, and their consent flags."""

from collections.abc import Mapping
from typing import Any

STATES = (
    "received",
    "waiting_for_consent",
    "in_review",
    "interview",
    "offer",
    "closed",
    "restricted",
)

# English msgids shown to the candidate (translated in the portal catalogue).
LABELS = {
    "received": "Received",
    "waiting_for_consent": "Waiting for your consent",
    "in_review": "In review",
    "interview": "Interview",
    "offer": "Offer",
    "closed": "Closed",
    "restricted": "Restricted",
}

_BY_STAGE = {"received": "received", "screening": "in_review", "interview": "interview"}


def candidate_state(application: Mapping[str, Any], candidate: Mapping[str, Any]) -> str:
    if application.get("restricted") or application.get("objected"):
        return "restricted"  # Art. 18 / Art. 21: frozen until lifted or answered
    stage = application.get("stage", "received")
    if stage in ("rejected", "hired", "withdrawn"):
        return "closed"
    if stage == "offer":
        return "offer"
    if not (candidate.get("consent_m") or candidate.get("consent_n")):
        return "waiting_for_consent"  # MISSION: with neither m nor n the application waits
    return _BY_STAGE.get(stage, "in_review")
