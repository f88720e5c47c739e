"""The callback data of a match's life keeps the strings buttons already sent carry, and each
typed press reads back what it packed; a malformed one is refused like a record one may not
see."""

from __future__ import annotations

import pytest

from bot.notifications import match_cycle, match_texts, matches
from bot.services.errors import Invalid, NotFound
from handlers import match_cycle as handler
from storage.match_life import (
    ClosureReason,
    DeclineReason,
    FirstMeetingOutcome,
    Gender,
    Topic,
    Urgency,
)


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


def test_profile_request_and_card_buttons_keep_their_strings() -> None:
    assert match_texts.ProfileShow().pack() == "pf:v"
    fields = {f: match_texts.ProfileMenu(f).pack() for f in match_texts.ProfileField}
    assert sorted(fields.values()) == ["pf:a", "pf:c", "pf:g", "pf:l", "pf:s", "pf:t"]
    assert match_texts.ProfileLanguage("ar").pack() == "pf:l:ar"
    assert match_texts.ProfileSlot("mon", "eve").pack() == "pf:t:mon:eve"
    assert match_texts.ProfileSkill(Topic.SCHOOL).pack() == f"pf:s:{Topic.SCHOOL.value}"
    assert match_texts.ProfileCapacity("3").pack() == "pf:c:3"
    assert match_texts.ProfileGender(match_texts.NO_GENDER).pack() == "pf:g:-"
    assert match_texts.ProfileGender(Gender.FEMALE).pack() == f"pf:g:{Gender.FEMALE.value}"
    assert match_texts.RequestNeed(Topic.SCHOOL).pack() == f"rq:n:{Topic.SCHOOL.value}"
    assert match_texts.RequestNeedsDone().pack() == "rq:nd"
    assert match_texts.RequestUrgency(Urgency.HIGH).pack() == "rq:u:high"
    assert match_texts.RequestNoNote().pack() == "rq:ns"
    assert matches.OpenMatch(12).pack() == "mt:12" == matches.open_match(12)


def test_profile_request_and_card_presses_read_back_what_they_packed() -> None:
    profile = [
        match_texts.ProfileShow(),
        *[match_texts.ProfileMenu(f) for f in match_texts.ProfileField],
        match_texts.ProfileLanguage("es"),
        match_texts.ProfileSlot("sat", "am"),
        match_texts.ProfileSkill("school"),
        match_texts.ProfileCapacity("2"),
        match_texts.ProfileGender("-"),
    ]
    for press in profile:
        assert match_texts.parse_profile(press.pack().split(":")[1:]) == press
    requests = [
        match_texts.RequestOpen(9),
        match_texts.RequestAsk(9, 2),
        *[match_texts.RequestNeed(t) for t in Topic],
        match_texts.RequestNeedsDone(),
        *[match_texts.RequestUrgency(u) for u in Urgency],
        match_texts.RequestNoNote(),
    ]
    for press in requests:
        assert match_texts.parse_request(press.pack().split(":")[1:]) == press
    card = matches.OpenMatch(31)
    assert matches.OpenMatch.unpack(card.pack().split(":")[1:]) == card


@pytest.mark.parametrize(
    "args",
    [[], ["x"], ["v", "1"], ["a", "x"], ["t", "mon"], ["l", "ar", "3"], ["zz", "1"]],
)
def test_a_forged_profile_press_is_refused(args: list[str]) -> None:
    with pytest.raises(NotFound):
        match_texts.parse_profile(args)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["zz"],
        ["o", "x"],
        ["a", "1"],
        ["n", "not-a-topic"],
        ["nd", "1"],
        ["u", "not-an-urgency"],
        ["u"],
        ["ns", "x"],
    ],
)
def test_a_forged_request_press_is_refused(args: list[str]) -> None:
    with pytest.raises(NotFound):
        match_texts.parse_request(args)


@pytest.mark.parametrize("args", [["x"], ["1", "2"], [], ["1.5"]])
def test_a_forged_card_press_is_refused(args: list[str]) -> None:
    with pytest.raises(NotFound):
        matches.OpenMatch.unpack(args)


def test_a_press_over_telegrams_limit_is_not_drawn() -> None:
    with pytest.raises(ValueError):
        match_texts.ProfileLanguage("x" * 70).pack()


def test_every_close_and_feedback_press_reads_back_what_it_packed() -> None:
    for reason in ClosureReason:
        for press in (match_cycle.CloseChoose(4, reason), match_cycle.CloseConfirm(4, reason)):
            data = press.pack()
            assert data.startswith(f"cl:{press.ACTION}:4:")
            assert match_cycle.parse_close(data.split(":")[1:]) == press
    for outcome in FirstMeetingOutcome:
        first = match_cycle.FirstOutcome(9, outcome)
        assert match_cycle.parse_first(first.pack().split(":")[1:]) == first
    answer = match_cycle.FeedbackAnswer(11, 2, 0)
    assert answer.pack() == "fb:11:2:0"
    assert match_cycle.parse_feedback(["11", "2", "0"]) == answer


@pytest.mark.parametrize(
    "args",
    [[], ["zz", "1", "conflict"], ["r"], ["r", "x", "conflict"], ["ok", "1"], ["r", "1", "nope"],
     ["ok", "1", ClosureReason.CONFLICT.value, "extra"]],
)  # fmt: skip
def test_a_malformed_close_press_is_refused(args: list[str]) -> None:
    with pytest.raises(NotFound):
        match_cycle.parse_close(args)


@pytest.mark.parametrize(
    "args", [[], ["1", "2"], ["x", "1", "2"], ["1", "y", "2"], ["1", "2", "3", "4"]]
)
def test_a_malformed_feedback_press_is_refused(args: list[str]) -> None:
    with pytest.raises(NotFound):
        match_cycle.parse_feedback(args)


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        ([], NotFound),  # no id: as before, like a record one may not see
        (["p", "x"], NotFound),
        (["zz", "x"], NotFound),
        (["zz", "1"], Invalid),  # an unknown action is bad data, as before
        (["o", "1", "not-an-outcome"], Invalid),
        (["o", "1"], Invalid),
        (["p", "1", "2"], Invalid),
    ],
)
def test_the_handler_refuses_a_forged_first_press_as_before(
    args: list[str], refused: type[Exception]
) -> None:
    with pytest.raises(refused):
        handler._read(match_cycle.parse_first, args, id_at=1)


@pytest.mark.parametrize(
    ("args", "refused"),
    [(["x", "1", "2"], NotFound), (["1", "x", "2"], Invalid), (["1", "2", "y"], Invalid)],
)
def test_the_handler_refuses_a_forged_feedback_press_as_before(
    args: list[str], refused: type[Exception]
) -> None:
    with pytest.raises(refused):
        handler._read(match_cycle.parse_feedback, args, id_at=0)
