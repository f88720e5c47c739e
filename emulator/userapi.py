"""JSON API for the user side, under /_emulator/ (for a web page or another process).

GET  /_emulator/bots                                  registered bots
GET  /_emulator/users                                 simulated users
POST /_emulator/users            {first_name, last_name?, username?, language_code?, user_id?}
GET  /_emulator/users/<id>                            the user, their messages and command menu
GET  /_emulator/users/<id>/messages                   the bot's messages in the chat (current state)
POST /_emulator/users/<id>/send  {text}               write to the bot
POST /_emulator/users/<id>/press {message_id, callback_data} | {label, message_id?}
POST /_emulator/users/<id>/key   {label}              tap a button of the reply keyboard
POST /_emulator/users/<id>/location {latitude, longitude}   share a location
POST /_emulator/users/<id>/block, /unblock
GET  /_emulator/users/<id>/events?after=N&timeout=S   long poll: events with seq > N
GET  /_emulator/users/<id>/stream?after=N             the same as server-sent events
GET  /_emulator/calls?method=M&limit=N                recorded Bot API calls
GET  /_emulator/answers                               answerCallbackQuery answers
Every route takes ``?bot=<token>`` to pick a bot other than the first one.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from .httpserver import Request, Response, Result, Stream
from .users import SimulatedUser
from .views import EventKind, message_json

if TYPE_CHECKING:
    from .core import CallRecord, Emulator

_CORS = {"Access-Control-Allow-Origin": "*"}


def _json(status: int, payload: Any) -> Response:
    return Response.json(status, payload, headers=dict(_CORS))


def _user_json(user: SimulatedUser) -> dict[str, Any]:
    return {
        **user.info.user_json(),
        "blocked": user.blocked,
        "bot": user.bot.username,
        "last_seq": user.last_seq,
    }


def _call_json(call: CallRecord) -> dict[str, Any]:
    params = {
        k: (f"<file {v.filename!r}, {len(v.data)} bytes>" if hasattr(v, "data") else v)
        for k, v in call.params.items()
    }
    out: dict[str, Any] = {
        "method": call.method,
        "params": params,
        "time": call.time,
        "ok": call.ok,
    }
    if call.error is not None:
        out["error"] = call.error.to_json()
    return out


def handle_user_api(emu: Emulator, request: Request) -> Result:
    query = dict(parse_qsl(request.query))
    parts = [p for p in request.path.split("/") if p][1:]
    try:
        body: dict[str, Any] = json.loads(request.body) if request.body else {}
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        return _route(emu, request.method, parts, query, body)
    except (LookupError, ValueError, RuntimeError, TypeError) as exc:
        return _json(400, {"ok": False, "error": str(exc)})


def _route(
    emu: Emulator, method: str, parts: list[str], query: dict[str, str], body: dict[str, Any]
) -> Result:
    bot = query.get("bot") or body.get("bot")
    if parts == ["bots"]:
        return _json(200, [{**b.user_json(), "token": b.token} for b in emu.bots.values()])
    if parts == ["calls"]:
        calls = emu.calls_to(query["method"]) if "method" in query else emu.calls
        return _json(200, [_call_json(c) for c in calls[-int(query.get("limit", "100")) :]])
    if parts == ["answers"]:
        return _json(200, [asdict(a) for a in emu.answers])
    if parts == ["users"]:
        if method == "POST":
            user = emu.user(
                user_id=body.get("user_id"),
                first_name=str(body.get("first_name", "Alice")),
                last_name=body.get("last_name"),
                username=body.get("username"),
                language_code=body.get("language_code", "en"),
                bot=bot,
            )
            return _json(200, _user_json(user))
        return _json(200, [_user_json(u) for u in emu.users if bot is None or u.bot.token == bot])
    if len(parts) >= 2 and parts[0] == "users":
        user = emu.user_by_id(int(parts[1]), bot=bot)
        return _user_route(user, method, parts[2:], query, body)
    return _json(404, {"ok": False, "error": "no such route"})


def _user_route(
    user: SimulatedUser, method: str, rest: list[str], query: dict[str, str], body: dict[str, Any]
) -> Result:
    action = rest[0] if rest else ""
    if action == "":
        payload = {
            **_user_json(user),
            "messages": [message_json(m) for m in user.messages],
            "commands": user.commands,
            "reply_keyboard": user.reply_keyboard,
        }
        return _json(200, payload)
    if action == "messages":
        return _json(200, [message_json(m) for m in user.history if m.from_bot or query.get("all")])
    if action == "events":
        return _events(user, int(query.get("after", "0")), float(query.get("timeout", "0")))
    if action == "stream":
        return Stream(_sse(user, int(query.get("after", "0"))), headers=dict(_CORS))
    if method != "POST":
        return _json(405, {"ok": False, "error": "use POST"})
    if action == "send":
        return _acted(user, user.send(str(body["text"])))
    if action == "key":
        return _acted(user, user.press_key(str(body["label"])))
    if action == "location":
        return _acted(user, user.send_location(float(body["latitude"]), float(body["longitude"])))
    if action == "press":
        if "label" in body:
            return _acted(user, user.press_button(str(body["label"]), body.get("message_id")))
        return _acted(user, user.press(int(body["message_id"]), str(body["callback_data"])))
    if action == "block":
        user.block()
        return _json(200, {"ok": True, "last_seq": user.last_seq})
    if action == "unblock":
        user.unblock()
        return _json(200, {"ok": True, "last_seq": user.last_seq})
    return _json(404, {"ok": False, "error": f"unknown action {action!r}"})


async def _acted(user: SimulatedUser, action: Any) -> Response:
    try:
        result = await action
    except (LookupError, ValueError, RuntimeError) as exc:
        return _json(400, {"ok": False, "error": str(exc)})
    payload: dict[str, Any] = {"ok": True, "last_seq": user.last_seq}
    if isinstance(result, str):
        payload["callback_query_id"] = result
    else:
        payload["message"] = message_json(result)
    return _json(200, payload)


async def _events(user: SimulatedUser, after: int, timeout: float) -> Response:  # noqa: ASYNC109
    if user.last_seq <= after and timeout > 0:
        try:
            await user.wait_for_event(after, kinds=_ALL_KINDS, timeout=min(timeout, 60.0))
        except TimeoutError:
            pass
    events = user.events[after:]
    return _json(200, {"events": [e.to_json() for e in events], "last_seq": user.last_seq})


async def _sse(user: SimulatedUser, after: int) -> AsyncIterator[bytes]:
    yield b": connected\n\n"
    async for event in user.subscribe(after):
        yield f"id: {event.seq}\nevent: {event.kind}\ndata: {json.dumps(event.to_json())}\n\n".encode()


_ALL_KINDS: tuple[EventKind, ...] = (
    "message",
    "edit",
    "delete",
    "callback_answer",
    "chat_action",
    "user_message",
    "user_edit",
)
