"""Replies survive faults: flood control is waited out, network errors, timeouts and 5xx are
retried with backoff, and a reply that finally fails is reported, never dropped silently."""

from __future__ import annotations

from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot import replies


class FakeBot:
    """Answers `send_message` with the errors it is given, in turn, then succeeds."""

    def __init__(self, errors: list[Exception]) -> None:
        self.errors = errors
        self.calls: list[str] = []

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.calls.append(text)
        if self.errors:
            raise self.errors.pop(0)

    async def answer_callback_query(self, query_id: str, **_: Any) -> None:
        self.calls.append(f"answer:{query_id}")


FAST = replies.Policy(max_attempts=4, backoff_seconds=0.0)


def send(text: str) -> replies.Reply:
    return {"k": "send", "chat": 1, "text": text, "buttons": None}


async def deliver(bot: FakeBot, planned: list[replies.Reply], **kw: Any) -> replies.Delivered:
    return await replies.deliver(bot, planned, policy=FAST, **kw)  # type: ignore[arg-type]


async def test_flood_control_is_waited_out_and_not_counted() -> None:
    bot = FakeBot([RetryAfter(0)] * 6)  # more than max_attempts: 429s are not attempts
    done = await deliver(bot, [send("a")])
    assert done.error is None and done.sent == 1
    assert bot.calls == ["a"] * 7


async def test_network_errors_timeouts_and_5xx_are_retried() -> None:
    bot = FakeBot([NetworkError("Internal Server Error (500)"), TimedOut(), NetworkError("x")])
    done = await deliver(bot, [send("a"), send("b")])
    assert done.error is None and done.sent == 2
    assert bot.calls == ["a", "a", "a", "a", "b"]


async def test_a_reply_that_finally_fails_is_reported_and_the_rest_still_go() -> None:
    bot = FakeBot([NetworkError("down")] * 4)
    done = await deliver(bot, [send("a"), send("b")])
    assert done.error == "network:NetworkError"
    assert bot.calls == ["a"] * 4 + ["b"]

    refused = FakeBot([BadRequest("can't parse entities")])
    done = await deliver(refused, [send("a"), send("b")])
    assert done.error == "400" and refused.calls == ["a", "b"]


async def test_delivery_goes_on_where_it_stopped() -> None:
    bot = FakeBot([])
    seen: list[int] = []

    async def progress(sent: int) -> None:
        seen.append(sent)

    done = await deliver(bot, [send("a"), send("b"), send("c")], start=1, progress=progress)
    assert bot.calls == ["b", "c"] and done.sent == 3 and seen == [2]


def test_a_button_press_is_edited_in_place_and_answered() -> None:
    planned = replies.plan(
        5,
        [
            ("edit", "new text", [[("OK", "x:1")]], False, None, None),
            ("reply", "more", None, False, None, None),
        ],
        query_id="q1",
        query_message_id=77,
        resume_hint=None,
    )
    assert [r["k"] for r in planned] == ["edit", "send", "answer"]
    assert planned[0]["msg"] == 77  # edited in place
