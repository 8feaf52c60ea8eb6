"""The one place that decides what a staff member may see or do with an application.

Doors ask `decide(...)` and show or refuse; they never read consent flags themselves
(DESIGN.md: "a door asks 'may this staff member see this CV now?'"). Rows are read fresh on
every request, so a consent withdrawn in another browser takes effect at the reviewer's next
request (policy: "the right to withdraw accept"; GDPR Art. 7(3)).
"""

from collections.abc import Mapping
from typing import Any, NamedTuple

# Only these roles handle applications at all (policy: "only accessible to our employees ...
# as needed"): reception never sees applications.
REVIEW_ROLES = ("hr", "admin")

# Purpose m ("analyse your abilities and background"): read the CV and the background,
# screening answers and their flags included (issue 21 point 7).
PURPOSE_M_ACTIONS = ("view_cv", "view_background", "view_screening")
# Purpose n ("evaluate your potential as an employee"): ratings, comments, stage moves, and
# talking to the candidate about the evaluation (issue 17.4-5): messages (a rejection is a
# stage move) and interview invitations. Administrative mail (sign-in links, answers to
# rights requests) needs no purpose; contact about the candidate's fit for the job is the
# evaluation itself, so without n the application waits and nobody writes to them about it.
PURPOSE_N_ACTIONS = (
    "view_evaluation",
    "rate",
    "comment",
    "move_stage",
    "send_message",
    "invite_to_interview",
)
# The summary (name, position, state, "waiting for consent") needs no purpose: it is what
# the reviewer must see to know the application exists and waits.
# Handing a hired candidate over to the HR system (issue 17 point 10): the employment
# contract is the basis now (Art. 6(1)(b)), not consent m or n; only a hired candidate, and
# never while the application is frozen.
HAND_OVER = "hand_over"
# Calling a planned interview off stops processing, so it stays open to reviewers whatever
# the consents, a restriction or an objection say (Art. 7(3), 18, 21): refusing it would keep
# an evaluation in the interviewers' calendars that the candidate has stopped.
CANCEL_INTERVIEW = "cancel_interview"
ACTIONS = ("view_summary", *PURPOSE_M_ACTIONS, *PURPOSE_N_ACTIONS, HAND_OVER, CANCEL_INTERVIEW)


class Decision(NamedTuple):
    allowed: bool
    reason: str  # an English msgid, shown to the reviewer when refused


ALLOWED = Decision(True, "")


def decide(
    staff_role: str,
    application: Mapping[str, Any],
    candidate: Mapping[str, Any],
    action: str,
) -> Decision:
    """May a staff member with `staff_role` do `action` on this application right now?"""
    if action not in ACTIONS:
        return Decision(False, "This action is not known.")
    if staff_role not in REVIEW_ROLES:
        return Decision(False, "Your role does not handle applications.")
    if action in ("view_summary", CANCEL_INTERVIEW):
        return ALLOWED
    # Art. 18 restriction and an open Art. 21 objection freeze the application: kept, but
    # hidden from all processing until lifted or answered.
    if application.get("restricted"):
        return Decision(False, "The candidate has restricted the processing of this application.")
    if application.get("objected"):
        return Decision(False, "The candidate has objected; processing waits for our answer.")
    if application.get("stage") == "withdrawn":
        return Decision(False, "The candidate has withdrawn this application.")
    if action == HAND_OVER:
        if application.get("stage") != "hired":
            return Decision(False, "Only a hired candidate is handed over to the HR system.")
        return ALLOWED
    if action in PURPOSE_M_ACTIONS and not candidate.get("consent_m"):
        return Decision(False, "The candidate has not consented to purpose m (background).")
    if action in PURPOSE_N_ACTIONS and not candidate.get("consent_n"):
        return Decision(False, "The candidate has not consented to purpose n (evaluation).")
    return ALLOWED


def allowed_rows_sql(staff_role: str, action: str) -> tuple[str, tuple[Any, ...]]:
    """decide() as a WHERE fragment over `application a JOIN candidate c`, for a query that
    must order or count only the rows decide() allows: the queue's sort by average score
    (issue 17) may not place a row whose evaluation the reviewer may not see, or its position
    in the order would tell its score. tests/privacy/test_allowed_rows_sql.py checks that it
    agrees with decide() on every combination of the flags, on both databases."""
    if action not in ACTIONS or staff_role not in REVIEW_ROLES:
        return "1 = 0", ()
    if action in ("view_summary", CANCEL_INTERVIEW):
        return "1 = 1", ()
    sql = "a.restricted = ? AND a.objected = ? AND a.stage <> ?"
    args: tuple[Any, ...] = (False, False, "withdrawn")
    if action == HAND_OVER:
        return sql + " AND a.stage = ?", (*args, "hired")
    if action in PURPOSE_M_ACTIONS:
        return sql + " AND c.consent_m = ?", (*args, True)
    return sql + " AND c.consent_n = ?", (*args, True)


def frozen(application: Mapping[str, Any]) -> bool:
    return bool(application.get("restricted") or application.get("objected"))


def waiting_for_consent(candidate: Mapping[str, Any]) -> bool:
    return not (candidate.get("consent_m") or candidate.get("consent_n"))


def allowed_actions(
    staff_role: str, application: Mapping[str, Any], candidate: Mapping[str, Any]
) -> dict[str, bool]:
    """Every action's answer at once, for a page that shows or hides its sections."""
    return {a: decide(staff_role, application, candidate, a).allowed for a in ACTIONS}
