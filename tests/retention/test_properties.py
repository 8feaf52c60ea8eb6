"""Property tests of the erase-after computation (MISSION.md "Retention defaults"), over any
facts and any configured periods."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.config import Retention
from app.privacy.retention import (
    EVALUATION_STAGES_CLOSED,
    application_erase_after,
    candidate_erase_after,
)

STAGES = ("received", "screening", "interview", "offer", *EVALUATION_STAGES_CLOSED)
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)
maybe = st.none() | moments
periods = st.builds(
    Retention,
    visits_days=st.integers(1, 400),
    applications_days=st.integers(1, 400),
    talent_pool_days=st.integers(400, 1500),
    waiting_consent_days=st.integers(1, 90),
    audit_days=st.integers(365, 4000),
)
facts = st.fixed_dictionaries(
    {
        "created_at": moments,
        "has_evaluation_consent": st.booleans(),
        "consent_lost_at": maybe,
        "stage": st.sampled_from(STAGES),
        "decided_at": maybe,
        "position_closed_at": maybe,
        "talent_pool": st.booleans(),
        "r": periods,
    }
)


@given(facts)
def test_without_consent_the_date_is_the_withdrawal_or_the_waiting_period(f):
    f["has_evaluation_consent"] = False
    when = application_erase_after(**f)
    if f["consent_lost_at"] is not None:
        assert when == f["consent_lost_at"]  # erased at once
    else:
        assert when == f["created_at"] + timedelta(days=f["r"].waiting_consent_days)


@given(facts)
def test_with_consent_the_clock_starts_at_the_first_end(f):
    f["has_evaluation_consent"] = True
    when = application_erase_after(**f)
    decided = f["decided_at"] if f["stage"] in EVALUATION_STAGES_CLOSED else None
    ends = [t for t in (decided, f["position_closed_at"]) if t is not None]
    if not ends:
        assert when is None  # in progress: no date yet
        return
    keep = f["r"].talent_pool_days if f["talent_pool"] else f["r"].applications_days
    assert when == min(ends) + timedelta(days=keep)
    assert when is not None and when > min(ends)


@given(facts)
def test_the_talent_pool_never_shortens_retention(f):
    f["has_evaluation_consent"] = True
    plain = application_erase_after(**{**f, "talent_pool": False})
    pooled = application_erase_after(**{**f, "talent_pool": True})
    assert (plain is None) == (pooled is None)
    if plain is not None and pooled is not None:
        assert pooled >= plain


@given(facts)
def test_a_rejection_never_postpones_a_date(f):
    """Deciding (rejecting) can only bring the date forward or start it, never push it back."""
    f["has_evaluation_consent"] = True
    before = application_erase_after(**{**f, "stage": "interview"})
    after = application_erase_after(**{**f, "stage": "rejected"})
    if before is not None:
        assert after is not None and after <= before


@given(moments, st.lists(maybe, max_size=6), periods)
def test_a_candidate_lives_exactly_as_long_as_the_longest_application(created, dates, r):
    when = candidate_erase_after(created, dates, r)
    if not dates:
        assert when == created + timedelta(days=r.waiting_consent_days)
    elif None in dates:
        assert when is None
    else:
        assert when == max(d for d in dates if d is not None)
