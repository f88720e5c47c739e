"""The concern buttons' callback data: one definition draws and parses every button, the
strings stay those already in people's chats, and malformed data is refused."""

from __future__ import annotations

import pytest

from bot.notifications.concerns import callbacks as cb
from bot.services.errors import NotFound

# The strings buttons already sent carry: they must keep working.
KNOWN = [
    (cb.New(12), "cn:new:12"),
    (cb.Category("safety"), "cn:c:safety"),
    (cb.SeverityPick("high"), "cn:s:high"),
    (cb.MatchPick(3), "cn:m:3"),
    (cb.Confirm(), "cn:ok"),
    (cb.Cancel(), "cn:x"),
    (cb.Continue(), "cn:go"),
    (cb.Restart(), "cn:rs"),
    (cb.Restart(7), "cn:rs:7"),
    (cb.Problem("housing"), "cn:p:housing"),
    (cb.Open(5), "cn:open:5"),
    (cb.Acknowledge(5), "cn:ack:5"),
    (cb.Resolve(5), "cn:res:5"),
    (cb.Reply(5), "cn:rep:5"),
    (cb.Reassign(5), "cn:ra:5"),
    (cb.ReassignTo(5, 9), "cn:to:5:9"),
]


@pytest.mark.parametrize(("press", "data"), KNOWN, ids=[d for _, d in KNOWN])
def test_each_button_packs_to_its_known_string_and_parses_back(press: cb.Press, data: str) -> None:
    assert press.pack() == data
    prefix, *args = data.split(":")
    assert prefix == cb.PREFIX
    assert cb.parse(args) == press


def test_every_action_is_in_the_table_once() -> None:
    assert {type(p) for p, _ in KNOWN} == set(cb.PRESSES.values())
    assert len({c.ACTION for c in cb.PRESSES.values()}) == len(cb.PRESSES)


def test_the_whole_text_button_keeps_its_string() -> None:
    assert cb.whole_text(42) == "whole:cn:42"


def test_data_over_telegrams_64_bytes_is_refused_when_drawn() -> None:
    assert len(cb.Category("a" * 59).pack().encode()) == 64  # bytes, not characters:
    with pytest.raises(ValueError, match="64 bytes"):
        cb.Category("é" * 30).pack()


@pytest.mark.parametrize(
    "args",
    [[], ["nope"], ["ack"], ["ack", "x"], ["ack", "1", "2"], ["to", "1"], ["ok", "1"], ["rs", "x"]],
)
def test_malformed_data_is_not_found(args: list[str]) -> None:
    with pytest.raises(NotFound):
        cb.parse(args)
