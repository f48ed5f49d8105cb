"""Internal preparation: before a joint session the provider's people hold their own short
conversation (flow `voorbereiding`) in a group DM only they are in, linked to the joint session,
and choose what goes to the joint preparation summary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.models import ConversationSession, InternalPreparation
from tests.e2e.conftest import CHANNEL, COORDINATOR
from tests.e2e.rounds_support import (
    AMS,
    Clock,
    answer,
    make_round,
    open_modal,
    option,
    overview,
    reply_after,
    root_button,
    run_due,
    shown_button,
    submit,
    text_of,
    wait_message,
    wait_shown,
)

OUTCOMES = [("Ouderen doen mee", ["USW1", "USW2"], ["UBM1"])]


def _internal(bot) -> tuple[int, str, str, str]:
    """(id, channel, flow, leader) of the internal preparation."""
    with bot.db.reader() as s:
        found = s.scalar(select(ConversationSession).join(
            InternalPreparation, InternalPreparation.session_id == ConversationSession.id))
        return found.id, found.channel_id, found.flow_id, found.created_by


def test_a_party_prepares_internally_and_shares_only_what_it_chose(bot, slack, sender):
    clock = Clock(datetime(2027, 3, 1, 10, 0, tzinfo=AMS))
    bot.runtime.deps.clock = clock
    joint = make_round(bot, sender, slack, OUTCOMES, on="2027-03-10", at="14:00")["Ouderen doen mee"]

    # Sam (a social worker) starts the provider's internal preparation from the joint session
    view = open_modal(sender, slack, root_button(slack, bot, joint, "session_internal_prep"), "USW1", CHANNEL)
    assert view["callback_id"] == "internal_prep" and "Aanbieder" in text_of(view) and "Gemeente" not in text_of(view)
    assert not submit(sender, view, {"party": option("aanbieder")}, "USW1").body.strip()
    bot.drain()
    opened = slack.calls_to("conversations.open")[-1].params
    assert sorted(str(opened["users"]).split(",")) == ["USW1", "USW2"]  # only the provider's people
    internal, group, flow, leader = _internal(bot)
    assert group.startswith("G") and flow == "voorbereiding" and leader == "USW1"
    inside = slack.messages(group)
    assert "alleen jullie zien dit gesprek" in text_of(inside)
    assert "Interne voorbereiding van" not in text_of(slack.messages(CHANNEL))

    # they answer the first two stages; Sam leads and moves on
    for stage, words in (("materiaal", "Bereik steeg naar 120 bezoekers"), ("beeld", "Geheim beeld van ons team")):
        button = wait_shown(bot, slack, group, "answer_open", value=f"{internal}:{stage}")
        answer(sender, slack, button, "USW2", f"{words} (Sanne)")
        advance = shown_button(slack.messages(group), "stage_advance", value=f"{internal}:{stage}")
        sender.block_action(advance["action_id"], advance["value"], user="USW1", channel=group)
    wait_message(bot, slack, group, "Antwoorden uit fase")

    # only the leader chooses; they share the first stage and a note, not the picture
    refused = len(slack.responses)
    share = shown_button(slack.messages(group), "internal_share")
    sender.block_action(share["action_id"], share["value"], user="USW2", channel=group)
    assert "leidt" in text_of(reply_after(slack, refused))
    view = open_modal(sender, slack, share, "USW1", group)
    assert view["callback_id"] == "internal_share"
    choice = {"stages": {"value": {"type": "checkboxes", "selected_options": [{"value": "materiaal"}]}},
              "note": {"value": {"type": "plain_text_input", "value": "We willen het over bereik hebben."}}}
    assert not submit(sender, view, choice, "USW1").body.strip()
    bot.drain()
    assert "Dit hebben jullie gedeeld" in text_of(slack.messages(group))

    # the joint preparation summary the day before carries the chosen part, without names
    run_due(bot, clock, datetime(2027, 3, 9, 14, 0, tzinfo=AMS))
    summary = text_of([m for m in slack.messages(CHANNEL) if "Voorbereiding voor het gesprek" in m["text"]][-1])
    assert "Uit de interne voorbereiding van de Aanbieder" in summary
    assert "Bereik steeg naar 120 bezoekers" in summary and "We willen het over bereik hebben." in summary
    assert "Geheim beeld" not in summary and "<@USW2>" not in summary.split("interne voorbereiding")[1]
    # the overview shows the link to coordinators and the party; the municipality does not see it
    assert "Interne voorbereiding Aanbieder" in overview(sender)
    assert "Interne voorbereiding" in overview(sender, user="USW2")
    assert "Interne voorbereiding" not in overview(sender, user="UBM1")
    assert COORDINATOR not in str(opened["users"])
