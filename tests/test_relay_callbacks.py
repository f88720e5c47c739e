"""The relay's buttons keep the strings buttons already sent carry, each typed press reads back
what it packed, and a malformed one is refused like a record one may not see."""

from __future__ import annotations

import pytest

from bot.services import relay
from bot.services.errors import NotFound
from bot.services.relay.presses import (
    PRESSES,
    Answer,
    DontSend,
    Free,
    Phrase,
    SendToMentors,
    SendToOffice,
    ToFamily,
    parse,
)


def test_the_strings_are_the_ones_buttons_already_carry() -> None:
    assert SendToMentors(12).pack() == "rl:m:12"
    assert SendToOffice(12).pack() == "rl:o:12"
    assert DontSend(12).pack() == "rl:x:12"
    assert Answer(12).pack() == "rl:a:12"
    assert ToFamily(3).pack() == "rl:f:3"
    assert Phrase(0).pack() == "rl:p:0"
    assert Free(3).pack() == "rl:w:3"


def test_data_is_the_press_by_action() -> None:
    assert relay.data(relay.SEND_MENTORS, 5) == "rl:m:5"
    assert relay.data(relay.SEND_OFFICE, 5) == "rl:o:5"
    assert relay.data(relay.DONT_SEND, 5) == "rl:x:5"
    assert relay.data(relay.ANSWER, 5) == "rl:a:5"
    assert relay.data(relay.TO_FAMILY, 5) == "rl:f:5"
    assert relay.data(relay.PHRASE, 5) == "rl:p:5"
    assert relay.data(relay.FREE, 5) == "rl:w:5"


def test_every_action_has_one_press() -> None:
    assert sorted(cls.ACTION or "" for cls in PRESSES) == sorted(relay.ACTIONS)
    assert {cls.PREFIX for cls in PRESSES} == {relay.PREFIX}


@pytest.mark.parametrize("cls", PRESSES)
def test_a_press_reads_back_what_it_packed(cls: type) -> None:
    press = cls(41)
    data = press.pack()
    assert data.split(":")[0] == relay.PREFIX
    assert parse(data.split(":")[1:]) == press


@pytest.mark.parametrize(
    "args",
    [[], ["zz", "1"], ["a"], ["a", "x"], ["m", "1", "2"], ["p", "1.5"], ["f", ""], ["x"]],
)
def test_a_malformed_press_is_refused(args: list[str]) -> None:
    with pytest.raises(NotFound):
        parse(args)
