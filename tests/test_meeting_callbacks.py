"""The callback data of the meeting-log, report and appointment buttons: one definition draws
and parses every button, the strings stay those already in people's chats, and malformed data
is refused."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.notifications import meetings as lg
from bot.notifications import progress as rp
from bot.notifications.appointments import callbacks as ap
from bot.services.errors import Invalid, NotFound
from domain import Answer

# The strings buttons already sent carry: they must keep working.
LOG = [
    (lg.EditMeeting(12), "lg:me:12"),
    (lg.EditMeeting(12, start_over=True), "lg:me:12:n"),
    (lg.Continue(), "lg:go:c"),
    (lg.StartOver(), "lg:go:n"),
    (lg.MatchPick(3), "lg:m:3"),
    (lg.DayPick(1), "lg:d:1"),
    (lg.MinutesPick(90), "lg:t:90"),
    (lg.ActivityPick("walk"), "lg:a:walk"),
    (lg.ActivitiesDone(), "lg:a:done"),
    (lg.MoodPick(4), "lg:md:4"),
    (lg.SkipNotes(), "lg:n:skip"),
    (lg.Confirm(), "lg:ok"),
    (lg.Edit(), "lg:ed"),
    (lg.Discard(), "lg:x"),
    (lg.EditField("minutes"), "lg:ef:minutes"),
    (lg.Duplicate("add"), "lg:dup:add"),
]
REPORT = [
    (rp.MatchPick(3), "rp:m:3"),
    (rp.Continue(), "rp:go:c"),
    (rp.StartOver(), "rp:go:n"),
    (rp.StartOver(7), "rp:go:n:7"),
    (rp.Rate(2), "rp:r:2"),
    (rp.SkipComment(), "rp:c:skip"),
    (rp.Relationship(4), "rp:rel:4"),
    (rp.Support(needed=True), "rp:sup:1"),
    (rp.Support(needed=False), "rp:sup:0"),
    (rp.Confirm(), "rp:ok"),
    (rp.Discard(), "rp:x"),
]
PLAN = [
    (ap.Resume(), "pl:go"),
    (ap.StartOver(), "pl:new"),
    (ap.MatchPick(3), "pl:m:3"),
    (ap.DayPick(date(2026, 3, 10)), "pl:d:20260310"),
    (ap.AnotherDay(), "pl:b"),
    (ap.TimePick(time(17, 30)), "pl:t:1730"),
    (ap.LastPlace(), "pl:p"),
    (ap.SkipNote(), "pl:n"),
    (ap.Confirm(), "pl:ok"),
    (ap.Discard(), "pl:no"),
]
MANAGE = [
    (ap.Move(5), "ap:m:5"),
    (ap.Cancel(5), "ap:c:5"),
    (ap.CancelConfirmed(5), "ap:y:5"),
    (ap.Keep(), "ap:k"),
]


@pytest.mark.parametrize(("press", "data"), LOG, ids=[d for _, d in LOG])
def test_log_buttons_keep_their_strings(press: lg.Press, data: str) -> None:
    assert press.pack() == data
    assert lg.parse(data.split(":")[1:]) == press


@pytest.mark.parametrize(("press", "data"), REPORT, ids=[d for _, d in REPORT])
def test_report_buttons_keep_their_strings(press: rp.Press, data: str) -> None:
    assert press.pack() == data
    assert rp.parse(data.split(":")[1:]) == press


@pytest.mark.parametrize(("press", "data"), PLAN, ids=[d for _, d in PLAN])
def test_planning_buttons_keep_their_strings(press: ap.Plan, data: str) -> None:
    assert press.pack() == data
    assert ap.parse_plan(data.split(":")[1:]) == press


@pytest.mark.parametrize(("press", "data"), MANAGE, ids=[d for _, d in MANAGE])
def test_move_and_cancel_buttons_keep_their_strings(press: ap.Manage | ap.Keep, data: str) -> None:
    assert press.pack() == data
    assert ap.parse_manage(data.split(":")[1:]) == press


def test_answer_buttons_keep_their_strings_and_older_cards_still_parse() -> None:
    press = ap.AnswerPress(12, Answer.CANNOT, "next", 2)
    assert press.pack() == "ans:12:n:x:2"
    assert ap.AnswerPress.parse(["12", "n", "x", "2"]) == press
    # A card without its kind or sequence is read as a reminder's, for any sequence.
    assert ap.AnswerPress.parse(["12", "c"]) == ap.AnswerPress(12, Answer.COMING, "reminder")


def test_an_unreadable_duration_is_asked_again_not_refused() -> None:
    assert lg.parse(["t", "x"]) == lg.MinutesPick(None)


def test_actions_no_button_carries_parse_as_none() -> None:
    assert lg.parse(["nope"]) is None
    assert rp.parse(["nope"]) is None
    assert ap.parse_plan(["nope"]) is None


@pytest.mark.parametrize("args", [["me", "x"], ["m", ""], ["d", "y"], ["md", "z"]])
def test_a_malformed_log_number_is_bad_input(args: list[str]) -> None:
    with pytest.raises(Invalid):
        lg.parse(args)


@pytest.mark.parametrize("args", [["m", "x"], ["r", ""], ["rel", "y"], ["go", "n", "z"]])
def test_a_malformed_report_number_is_bad_input(args: list[str]) -> None:
    with pytest.raises(Invalid):
        rp.parse(args)


@pytest.mark.parametrize(
    ("parse", "args"),
    [
        (ap.parse_plan, ["m", "x"]),
        (ap.parse_plan, ["d", "20261340"]),
        (ap.parse_plan, ["t", "2561"]),
        (ap.parse_manage, ["m", "x"]),
        (ap.parse_manage, ["z", "5"]),
        (ap.AnswerPress.parse, ["12", "q"]),
        (ap.AnswerPress.parse, ["x", "c"]),
    ],
)
def test_malformed_appointment_data_is_not_found(parse, args) -> None:
    with pytest.raises(NotFound):
        parse(args)


def test_data_over_telegrams_64_bytes_is_refused_when_drawn() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        lg.ActivityPick("é" * 30).pack()
