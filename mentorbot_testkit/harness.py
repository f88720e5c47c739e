"""Conversation tests that read like a story, on top of the Bot API emulator.

    tg = Telegram(emulator)
    alice = tg.user("Alice", language_code="es")
    await alice.send("/start")
    msg = await alice.next_message()
    await alice.press("Español")
    msg = await alice.next_message()
    assert "Hola" in msg.text

``next_message`` returns the next message (new or edited) the bot sent this person after
their latest action, one at a time; it fails fast with an AssertionError describing what the
person did receive (and the bot's recent failed API calls) instead of hanging.
"""

from __future__ import annotations

from collections.abc import Callable

from emulator import Emulator, MessageView, SimulatedUser, UserEvent
from emulator.views import HasMessageId

# Long enough for a loaded machine: a passing test never waits for it.
DEFAULT_TIMEOUT = 15.0


class Person:
    """One simulated user, seen from the test's side."""

    def __init__(self, tg: Telegram, user: SimulatedUser) -> None:
        self.tg = tg
        self.user = user
        self._cursor = 0

    def __repr__(self) -> str:
        return f"Person({self.user.first_name!r}, id={self.id})"

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def chat_id(self) -> int:
        return self.user.id

    # --- actions ----------------------------------------------------------------------

    async def send(self, text: str) -> MessageView:
        """Write to the bot; later next_message() calls return what came after this."""
        sent = await self.user.send(text)
        self._cursor = self.user.mark
        return sent

    async def send_document(self, data: bytes, file_name: str, caption: str = "") -> MessageView:
        sent = await self.user.send_document(data, file_name, caption=caption)
        self._cursor = self.user.mark
        return sent

    async def send_photo(self, data: bytes, caption: str = "") -> MessageView:
        sent = await self.user.send_photo(data, caption=caption)
        self._cursor = self.user.mark
        return sent

    async def send_voice(self, data: bytes, duration: int = 3) -> MessageView:
        sent = await self.user.send_voice(data, duration=duration)
        self._cursor = self.user.mark
        return sent

    async def send_location(self, latitude: float, longitude: float) -> MessageView:
        sent = await self.user.send_location(latitude, longitude)
        self._cursor = self.user.mark
        return sent

    async def press_key(self, label: str) -> MessageView:
        """Tap a button of the reply keyboard under the input field (sends its label)."""
        try:
            sent = await self.user.press_key(label)
        except LookupError as exc:
            raise AssertionError(f"{self!r} cannot tap {label!r}: {exc}") from None
        self._cursor = self.user.mark
        return sent

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """The reply keyboard shown under the input field (labels, row by row)."""
        return self.user.reply_keyboard

    async def press(self, label: str, message: HasMessageId | int | None = None) -> str:
        """Press the button labelled ``label`` on the latest message that has it."""
        try:
            query_id = await self.user.press_button(label, message)
        except LookupError as exc:
            raise AssertionError(
                f"{self!r} cannot press {label!r}: {exc}\n{self.transcript()}"
            ) from None
        self._cursor = self.user.mark
        return query_id

    async def press_data(
        self, callback_data: str, message: HasMessageId | int | None = None
    ) -> str:
        """Press the button carrying ``callback_data`` (on the latest message having it by default)."""
        if message is None:
            candidates = [
                m for m in reversed(self.user.messages)
                if not m.deleted and any(b.get("callback_data") == callback_data for row in m.keyboard for b in row)
            ]  # fmt: skip
            if not candidates:
                raise AssertionError(
                    f"{self!r} has no button with data {callback_data!r}\n{self.transcript()}"
                )
            message = candidates[0]
        try:
            query_id = await self.user.press(message, callback_data)
        except LookupError as exc:
            raise AssertionError(f"{self!r}: {exc}\n{self.transcript()}") from None
        self._cursor = self.user.mark
        return query_id

    async def press_forged(
        self, callback_data: str, message: HasMessageId | int | None = None
    ) -> str:
        """Send a button press with any callback data, as a modified client can, on the latest
        message from the bot (or ``message``)."""
        if message is None:
            sent = [m for m in self.user.messages if m.from_bot and not m.deleted]
            if not sent:
                raise AssertionError(f"{self!r} has no message from the bot to press on")
            message = sent[-1]
        query_id = await self.user.press(message, callback_data, forged=True)
        self._cursor = self.user.mark
        return query_id

    def block(self) -> None:
        self.user.block()
        self._cursor = self.user.mark

    def unblock(self) -> None:
        self.user.unblock()
        self._cursor = self.user.mark

    # --- expectations -----------------------------------------------------------------

    async def next_message(
        self,
        timeout: float | None = None,  # noqa: ASYNC109
        *,
        where: Callable[[MessageView], bool] | None = None,
    ) -> MessageView:
        """The next message (new or edited) the bot sent since the last action or message returned."""
        limit = self.tg.timeout if timeout is None else timeout

        def matches(event: UserEvent) -> bool:
            return event.message is not None and (where is None or where(event.message))

        try:
            event = await self.user.wait_for_event(self._cursor, predicate=matches, timeout=limit)
        except TimeoutError:
            raise AssertionError(
                f"{self!r} received no {'matching ' if where else ''}message within {limit}s "
                f"after their last action.\n{self.transcript()}"
            ) from None
        self._cursor = event.seq
        assert event.message is not None
        return event.message

    async def next_messages(self, count: int, timeout: float | None = None) -> list[MessageView]:  # noqa: ASYNC109
        return [await self.next_message(timeout) for _ in range(count)]

    async def expect_no_message(self, within: float = 0.3) -> None:
        """Assert the bot sends or edits nothing for ``within`` seconds (prefer deterministic waits)."""
        try:
            event = await self.user.wait_for_event(self._cursor, timeout=within)
        except TimeoutError:
            return
        assert event.message is not None
        raise AssertionError(
            f"{self!r} unexpectedly received {event.kind}: {event.message.describe()}"
        )

    async def answer(self, timeout: float | None = None) -> str | None:  # noqa: ASYNC109
        """The text of the next answerCallbackQuery after the last action (None if no text)."""
        limit = self.tg.timeout if timeout is None else timeout
        try:
            event = await self.user.wait_for_event(
                self._cursor, kinds=("callback_answer",), timeout=limit
            )
        except TimeoutError:
            raise AssertionError(
                f"the bot did not answer {self!r}'s button press within {limit}s"
            ) from None
        assert event.answer is not None
        return event.answer.text

    # --- state ------------------------------------------------------------------------

    @property
    def messages(self) -> list[MessageView]:
        """The bot's messages to this person, current state, deleted ones excluded."""
        return [m for m in self.user.messages if not m.deleted]

    @property
    def last_message(self) -> MessageView:
        last = self.user.last_message
        if last is None:
            raise AssertionError(f"{self!r} has no message from the bot")
        return last

    @property
    def commands(self) -> list[str]:
        return [c["command"] for c in self.user.commands]

    def transcript(self, last: int = 8) -> str:
        """The end of the conversation and the bot's recent failed calls, for error messages."""
        lines = [f"Conversation with {self.user.first_name} (latest last):"]
        for view in self.user.history[-last:]:
            who = "bot" if view.from_bot else "user"
            lines.append(f"  {who} {view.describe()}")
        if len(lines) == 1:
            lines.append("  (nothing)")
        failed = [c for c in self.tg.emulator.calls if not c.ok][-5:]
        if failed:
            lines.append("Recent failed Bot API calls:")
            lines.extend(f"  {c.method}({_short(c.params)}) -> {c.error}" for c in failed)
        return "\n".join(lines)


def _short(params: dict[str, object]) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return text if len(text) < 200 else text[:197] + "..."


class Telegram:
    """The test's view of Telegram: creates people who talk to the bot."""

    def __init__(
        self, emulator: Emulator, *, bot_token: str | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.emulator = emulator
        self.bot_token = bot_token
        self.timeout = timeout

    def user(
        self,
        first_name: str = "Alice",
        *,
        language_code: str | None = "en",
        last_name: str | None = None,
        username: str | None = None,
        user_id: int | None = None,
    ) -> Person:
        sim = self.emulator.user(
            user_id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            bot=self.bot_token,
        )
        return Person(self, sim)
