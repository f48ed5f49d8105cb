"""Property tests: no sequence of operations breaks the engine's invariants."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from flows import engine as fe
from tests.flows.conftest import NOW, PEOPLE

OPS = st.lists(
    st.tuples(
        st.sampled_from(["answer", "advance", "skip", "reopen", "extend", "close", "tick"]),
        st.sampled_from(list(PEOPLE) + ["UXX"]),
        st.sampled_from(["herkennen", "beleid", "wachten", "afsluiting", "nope"]),
        st.sampled_from(["herken", "score", "bereik", "tips", "conclusie"]),
        st.text(max_size=20),
        st.integers(min_value=0, max_value=100),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(OPS)
def test_random_operations_keep_invariants(mini, ops):
    state, _ = fe.start_session(mini, PEOPLE, NOW)
    now = NOW
    for op, who, stage, question, value, hours in ops:
        now = now + timedelta(hours=hours)
        before = state
        try:
            if op == "answer":
                state, _ = fe.record_answer(mini, state, who, stage, question, value, now)
            elif op == "advance":
                state, _ = fe.advance(mini, state, now)
            elif op == "skip":
                state, _ = fe.skip(mini, state, stage, now)
            elif op == "reopen":
                state, _ = fe.reopen(mini, state, stage, now)
            elif op == "extend":
                state, _ = fe.extend(mini, state, stage, now + timedelta(days=1))
            elif op == "close":
                state, _ = fe.close_session(mini, state, now)
            else:
                state, _ = fe.tick(mini, state, now)
        except fe.TransitionError:
            assert state is before  # a refused step changes nothing
        open_stages = [s for s, st_ in state.stages.items() if st_.status == "open"]
        assert len(open_stages) <= 1
        if open_stages:
            assert state.current_stage_id == open_stages[0]
        if state.status == "closed":
            assert not open_stages
        for (s, q, p) in state.answers:
            assert p in PEOPLE and mini.stage(s).question(q) is not None
            assert mini.stage(s).answered_by(PEOPLE[p])
        assert fe.SessionState.from_dict(state.to_dict()) == state
