"""The one decision: what a staff member may do with an application, by role and consent."""

import pytest

from app.privacy.access import ACTIONS, PURPOSE_M_ACTIONS, PURPOSE_N_ACTIONS, decide

OPEN = {"restricted": False, "objected": False, "stage": "screening"}


@pytest.mark.parametrize("action", ACTIONS)
def test_reception_never_sees_applications(action):
    both = {"consent_m": True, "consent_n": True}
    assert decide("reception", OPEN, both, action).allowed is False
    assert decide("nobody", OPEN, both, action).allowed is False


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_purpose_m_allows_background_only(role):
    only_m = {"consent_m": True, "consent_n": False}
    for action in PURPOSE_M_ACTIONS:
        assert decide(role, OPEN, only_m, action).allowed
    for action in PURPOSE_N_ACTIONS:
        refused = decide(role, OPEN, only_m, action)
        assert not refused.allowed and "purpose n" in refused.reason


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_purpose_n_allows_evaluation_only(role):
    only_n = {"consent_m": False, "consent_n": True}
    for action in PURPOSE_N_ACTIONS:
        assert decide(role, OPEN, only_n, action).allowed
    for action in PURPOSE_M_ACTIONS:
        assert not decide(role, OPEN, only_n, action).allowed


def test_without_consent_only_the_summary():
    neither = {"consent_m": False, "consent_n": False}
    assert decide("hr", OPEN, neither, "view_summary").allowed
    # Calling an interview off stops processing: never refused (Art. 7(3), 18, 21).
    always = ("view_summary", "cancel_interview")
    assert decide("hr", OPEN, neither, "cancel_interview").allowed
    assert not any(decide("hr", OPEN, neither, a).allowed for a in ACTIONS if a not in always)


@pytest.mark.parametrize("flag", ["restricted", "objected"])
def test_restriction_or_objection_freezes_everything(flag):
    both = {"consent_m": True, "consent_n": True}
    frozen = {**OPEN, flag: True}
    for action in ACTIONS:
        if action not in ("view_summary", "cancel_interview"):
            assert not decide("admin", frozen, both, action).allowed


def test_unknown_action_is_refused():
    assert not decide("admin", OPEN, {"consent_m": True, "consent_n": True}, "delete").allowed
