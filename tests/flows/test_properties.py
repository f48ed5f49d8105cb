"""Property tests: no sequence of operations breaks the engine's invariants."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from flows import engine as fe
from tests.flows.conftest import NOW, PEOPLE

OPS = st.lists(
    st.tuples(
        st.sampled_from(["answer", "advance", "reveal", "skip", "reopen", "extend", "close", "tick"]),
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
            elif op == "reveal":
                state, _ = fe.reveal(mini, state, now)
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
        open_stages = [s for s, st_ in state.stages.items() if st_.status in ("open", "revealed")]
        assert len(open_stages) <= 1
        if open_stages:
            assert state.current_stage_id == open_stages[0]
        if state.status == "closed":
            assert not open_stages
        for (s, q, p) in state.answers:
            assert p in PEOPLE and mini.stage(s).question(q) is not None
            assert mini.stage(s).answered_by(PEOPLE[p])
        assert fe.SessionState.from_dict(state.to_dict()) == state


TOGETHER_OPS = st.lists(
    st.tuples(
        # Weighted so that sequences stay long enough in one stage to reach its later steps.
        st.sampled_from(["answer"] * 4 + ["reveal", "advance", "absent", "remove", "add", "finalise", "idea",
                                          "close_vote", "withdraw"]
                        + ["draft", "propose", "settle", "open_vote", "react"] * 2 + ["confirm", "votes"] * 3),
        st.sampled_from([*PEOPLE, "UCO", "UCO", "UCO", "UCO", "UXX"]),  # the coordinator steers most steps
        st.sampled_from(["current", "current", "herkennen", "verbeteren", "afsluiting"]),
        st.sampled_from(["Eén zin.", "Twee zinnen. Echt waar.", "Nog een zin.", "", "Een. Twee. Drie. Vier."]),
        st.dictionaries(st.sampled_from(["i1", "i2", "i3", "i9"]), st.integers(min_value=-1, max_value=4),
                        max_size=3),
        st.integers(min_value=0, max_value=3),
    ),
    min_size=10,
    max_size=60,
)


def _together_step(flow, state, op, who, stage, text, allocation, n):
    """One operation of the random sequence; refusals are TransitionErrors."""
    if stage == "current":
        stage = state.current_stage_id or "herkennen"
    agreement = state.agreements.get(stage)
    version = agreement.current.number if n and agreement and agreement.current else n  # mostly the live version
    proposal = next((p.id for p in agreement.open_proposals()), "p9") if n and agreement else f"p{n}"
    steps = {
        "answer": lambda: fe.record_answer(flow, state, who, stage, {"herkennen": "herken", "verbeteren": "idee",
                                                                     "afsluiting": "conclusie"}[stage], text, NOW),
        "reveal": lambda: fe.reveal(flow, state, NOW),
        "advance": lambda: fe.advance(flow, state, NOW),
        "absent": lambda: fe.set_absent(state, who, n % 2 == 0),
        "remove": lambda: fe.remove_participant(state, who),
        "add": lambda: fe.add_participant(state, who, PEOPLE.get(who, "other")),
        "draft": lambda: fe.draft_agreement(flow, state, stage, who, text, NOW),
        "confirm": lambda: fe.confirm_agreement(flow, state, stage, who, version, NOW),
        "propose": lambda: fe.propose_change(flow, state, stage, who, text, NOW),
        "settle": lambda: fe.settle_proposal(flow, state, stage, who, proposal, n % 2 == 0, NOW),
        "finalise": lambda: fe.finalise_agreement(flow, state, stage, who, NOW),
        "open_vote": lambda: fe.open_vote(flow, state, stage, who, NOW),
        "idea": lambda: fe.add_idea(flow, state, stage, who, text, NOW),
        "votes": lambda: fe.set_votes(flow, state, stage, who, allocation, NOW),
        "close_vote": lambda: fe.close_vote(flow, state, stage, who, NOW),
        "react": lambda: fe.react(flow, state, who, f"{stage}:herken:{list(PEOPLE)[n]}", "vraag", text, NOW),
        "withdraw": lambda: fe.withdraw_reaction(flow, state, who, f"{stage}:herken:{list(PEOPLE)[n]}", "vraag", NOW),
    }
    return steps[op]()


def _prepared(flow, where: str):
    """A state in the middle of working together, so random steps reach the later rules."""
    state, _ = fe.start_session(flow, PEOPLE, NOW)
    answers = {"USW1": "Vaker huisbezoeken", "USW2": "- Buddy\n- Wijkavond", "UBM1": "Eén zin."}
    for who, text in answers.items():
        state, _ = fe.record_answer(flow, state, who, "herkennen", "herken", text, NOW)
    if where == "herkennen":
        state, _ = fe.reveal(flow, state, NOW)
        return fe.draft_agreement(flow, state, "herkennen", "UCO", "Een beeld.", NOW)[0]
    state, _ = fe.advance(flow, state, NOW)
    for who, text in answers.items():
        state, _ = fe.record_answer(flow, state, who, "verbeteren", "idee", text, NOW)
    if where == "verbeteren":
        state, _ = fe.reveal(flow, state, NOW)
        return fe.open_vote(flow, state, "verbeteren", "UCO", NOW)[0]
    state, _ = fe.advance(flow, state, NOW)
    return fe.draft_agreement(flow, state, "afsluiting", "UCO", "Een conclusie.", NOW)[0]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["start", "herkennen", "verbeteren", "afsluiting"]), TOGETHER_OPS)
def test_working_together_keeps_its_invariants(together, where, ops):
    state = fe.start_session(together, PEOPLE, NOW)[0] if where == "start" else _prepared(together, where)
    for op, who, stage, text, allocation, n in ops:
        before = state
        try:
            state, _ = _together_step(together, state, op, who, stage, text, allocation, n)
        except fe.TransitionError:
            assert state is before  # a refused step changes nothing
        current = [s for s, st_ in state.stages.items() if st_.status in ("open", "revealed")]
        assert len(current) <= 1
        for vote in state.votes.values():
            assert all(sum(a.values()) <= 3 and max(a.values()) <= 2 for a in vote.allocations.values())
        for agreement in state.agreements.values():
            assert agreement.confirmations <= set(state.participants)
            assert len({p.author for p in agreement.open_proposals()}) == len(agreement.open_proposals())
        assert fe.SessionState.from_dict(state.to_dict()) == state
