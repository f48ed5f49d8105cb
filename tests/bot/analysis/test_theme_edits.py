"""The coordinator's edits on proposed themes: each does what it says or refuses clearly."""

from __future__ import annotations

import pytest

from bot.analysis.theme_edits import (
    AnswerNotInTheme,
    DuplicateLabel,
    EmptyLabel,
    EmptySelection,
    LabelTooLong,
    SameTheme,
    UnknownAnswer,
    UnknownTheme,
    WholeTheme,
    merge,
    move,
    rename,
    split,
)
from bot.analysis.themes import Theme, Themes


@pytest.fixture
def themes() -> Themes:
    return Themes((
        Theme("t1", "Eenzaam · ouderen", (1, 2, 3)),
        Theme("t2", "Vervoer · belbus", (4, 5)),
        Theme("t3", "Jongeren · bereik", (6,)),
        Theme("t4", "Overig", (7,), rest=True),
    ))


def test_rename_changes_only_the_name_and_keeps_the_place(themes):
    renamed = rename(themes, "t2", "  Vervoer   naar het buurthuis ")
    assert renamed.find("t2") == Theme("t2", "Vervoer naar het buurthuis", (4, 5))
    assert [t.id for t in renamed] == ["t1", "t2", "t3", "t4"]
    assert themes.find("t2").label == "Vervoer · belbus"  # the original value is untouched


def test_a_theme_may_keep_its_own_name_in_other_case(themes):
    assert rename(themes, "t1", "EENZAAM · OUDEREN").find("t1").label == "EENZAAM · OUDEREN"


def test_renaming_the_rest_group_makes_it_a_theme(themes):
    assert rename(themes, "t4", "Privacy").find("t4").rest is False


@pytest.mark.parametrize("label, error", [("", EmptyLabel), ("   \n ", EmptyLabel), (None, EmptyLabel),
                                          ("x" * 76, LabelTooLong), ("vervoer · BELBUS", DuplicateLabel)])
def test_rename_refuses_an_empty_long_or_taken_name(themes, label, error):
    with pytest.raises(error):
        rename(themes, "t1", label)


def test_a_refused_duplicate_says_which_theme_has_the_name(themes):
    with pytest.raises(DuplicateLabel) as refused:
        rename(themes, "t1", "Jongeren · bereik")
    assert refused.value.theme_id == "t3"


def test_rename_of_an_unknown_theme_is_refused(themes):
    with pytest.raises(UnknownTheme) as refused:
        rename(themes, "t9", "Iets")
    assert refused.value.theme_id == "t9"


def test_merge_puts_the_answers_under_the_first_theme_and_drops_the_second(themes):
    merged = merge(themes, "t2", "t3")
    assert [t.id for t in merged] == ["t1", "t2", "t4"]
    assert merged.find("t2") == Theme("t2", "Vervoer · belbus", (4, 5, 6))


def test_merge_into_the_rest_group_declares_the_answers_other(themes):
    merged = merge(themes, "t4", "t3")
    assert merged.find("t4").rest and merged.find("t4").answer_keys == (7, 6)


@pytest.mark.parametrize("into, source", [("t9", "t1"), ("t1", "t9")])
def test_merge_with_an_unknown_theme_is_refused(themes, into, source):
    with pytest.raises(UnknownTheme) as refused:
        merge(themes, into, source)
    assert refused.value.theme_id == "t9"


def test_merge_of_a_theme_with_itself_is_refused(themes):
    with pytest.raises(SameTheme):
        merge(themes, "t1", "t1")


def test_split_moves_chosen_answers_to_a_new_theme_right_after(themes):
    result = split(themes, "t1", [3, 1, 3], "Weduwen")
    assert [t.id for t in result] == ["t1", "t5", "t2", "t3", "t4"]
    assert result.find("t1").answer_keys == (2,)
    assert result.find("t5") == Theme("t5", "Weduwen", (1, 3))  # in the theme's order, counted once


def test_split_ids_are_never_reused_after_a_merge(themes):
    merged = merge(themes, "t3", "t4")  # t4 gone
    assert split(merged, "t1", [1], "Apart").find("t5") is not None


@pytest.mark.parametrize("keys, error", [([], EmptySelection), ([4], AnswerNotInTheme), ([99], UnknownAnswer),
                                         ([1, 2, 3], WholeTheme)])
def test_split_refuses_a_bad_selection(themes, keys, error):
    with pytest.raises(error):
        split(themes, "t1", keys, "Nieuw")


@pytest.mark.parametrize("label, error", [("", EmptyLabel), ("Vervoer · belbus", DuplicateLabel)])
def test_split_refuses_a_bad_name(themes, label, error):
    with pytest.raises(error):
        split(themes, "t1", [1], label)


def test_split_of_an_unknown_theme_is_refused(themes):
    with pytest.raises(UnknownTheme):
        split(themes, "t0", [1], "Nieuw")


def test_move_puts_an_answer_at_the_end_of_another_theme(themes):
    moved = move(themes, 2, "t2")
    assert moved.find("t1").answer_keys == (1, 3)
    assert moved.find("t2").answer_keys == (4, 5, 2)


def test_moving_the_last_answer_out_removes_the_empty_theme(themes):
    moved = move(themes, 6, "t1")
    assert moved.find("t3") is None and moved.theme_of(6).id == "t1"


def test_moving_an_answer_to_its_own_theme_changes_nothing(themes):
    assert move(themes, 4, "t2") == themes


def test_move_refuses_an_unknown_answer_or_theme(themes):
    with pytest.raises(UnknownAnswer):
        move(themes, 42, "t1")
    with pytest.raises(UnknownTheme):
        move(themes, 1, "t42")


def test_every_refusal_is_a_value_error_the_caller_can_catch_at_once(themes):
    from bot.analysis.theme_edits import ThemeEditError

    for edit in (lambda: rename(themes, "t1", ""), lambda: merge(themes, "t1", "t1"),
                 lambda: split(themes, "t1", [], "x"), lambda: move(themes, 42, "t1")):
        with pytest.raises(ThemeEditError):
            edit()
