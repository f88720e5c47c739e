"""The callback data of a match's life keeps the strings buttons already sent carry, and each
typed press reads back what it packed; a malformed one is refused like a record one may not
see."""

from __future__ import annotations

import pytest

from bot.notifications import match_cycle, match_texts
from bot.services.errors import NotFound
from storage.match_life import ClosureReason, DeclineReason, FirstMeetingOutcome


def test_the_strings_are_the_ones_buttons_already_carry() -> None:
    assert match_cycle.plan_first(12) == "fm:p:12"
    assert match_cycle.plan_evaluation(12) == "fm:e:12"
    assert match_cycle.first_outcome(12, FirstMeetingOutcome.AGREED) == (
        f"fm:o:12:{FirstMeetingOutcome.AGREED.value}"
    )
    assert match_cycle.close_choose(3, ClosureReason.CONFLICT) == (
        f"cl:r:3:{ClosureReason.CONFLICT.value}"
    )
    assert match_cycle.close_confirm(3, ClosureReason.CONFLICT) == (
        f"cl:ok:3:{ClosureReason.CONFLICT.value}"
    )
    assert match_cycle.feedback_answer(7, 1, 5) == "fb:7:1:5"
    assert match_texts.offer_yes(4) == "of:y:4"
    assert match_texts.offer_no(4) == "of:n:4"
    assert match_texts.offer_reason(4, DeclineReason.NO_TIME) == (
        f"of:r:4:{DeclineReason.NO_TIME.value}"
    )
    assert match_texts.request_open(9) == "rq:o:9"
    assert match_texts.request_ask(9, 2) == "rq:a:9:2"


def test_a_press_reads_back_what_it_packed() -> None:
    presses = [
        match_cycle.PlanFirst(1),
        match_cycle.PlanEvaluation(2),
        match_cycle.FirstOutcome(3, FirstMeetingOutcome.NOT_A_FIT),
    ]
    for press in presses:
        assert match_cycle.parse_first(press.pack().split(":")[1:]) == press
    close = match_cycle.CloseConfirm(5, ClosureReason.FAMILY_MOVED)
    assert match_cycle.parse_close(close.pack().split(":")[1:]) == close
    answer = match_cycle.FeedbackAnswer(6, 0, 3)
    assert match_cycle.parse_feedback(answer.pack().split(":")[1:]) == answer
    offer = match_texts.OfferReason(8, DeclineReason.TOO_FAR)
    assert match_texts.parse_offer(offer.pack().split(":")[1:]) == offer


@pytest.mark.parametrize(
    "args",
    [[], ["zz", "1"], ["p"], ["p", "x"], ["p", "1", "2"], ["o", "1", "not-an-outcome"]],
)
def test_a_malformed_press_is_refused(args: list[str]) -> None:
    with pytest.raises(NotFound):
        match_cycle.parse_first(args)
