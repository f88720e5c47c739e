"""The demo's web page and its JSON API (Starlette), with server-sent events for live phones.

GET  /                              the page
GET  /favicon.ico                   its icon
GET  /api/state                     the clock and every phone: person, command menu, messages
GET  /api/phones                    the phones (who is behind each one)
GET  /api/phones/{key}              one phone's state
GET  /api/phones/{key}/commands     its command menu (as the bot set it for that chat)
POST /api/phones/{key}/send         {"text": "..."}: the person writes to the bot
POST /api/phones/{key}/press        {"message_id": 3, "data": "..."}: the person taps a button
GET  /api/files/{file_id}           a document the bot sent, as a download
GET  /api/clock                     the bot's time
POST /api/clock/skip                {"minutes": 60}: move the bot's clock, then tick
POST /api/reset                     back to the seeded programme
GET  /api/events?after=N            text/event-stream of what happens in the phones
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.demo.phones import Phone
from bot.demo.stack import BOT_NAME, BOT_USERNAME, Demo

STATIC = Path(__file__).parent / "static"
NO_CACHE = {"Cache-Control": "no-cache"}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


class _BadInput(Exception):
    pass


async def _body(request: Request) -> dict[str, Any]:
    # JSON only: a cross-site form cannot post here without a CORS preflight.
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise _BadInput("send JSON (Content-Type: application/json)")
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise _BadInput("the body is not JSON") from None
    if not isinstance(body, dict):
        raise _BadInput("the body must be a JSON object")
    return body


def create_app(demo: Demo) -> Starlette:
    """The page and its API for a started `Demo`."""

    def phone_of(request: Request) -> Phone | None:
        return demo.phones.get(request.path_params["key"])

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers=NO_CACHE)

    async def favicon(request: Request) -> Response:
        # Browsers ask for /favicon.ico whatever the page says.
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    async def state(request: Request) -> Response:
        return JSONResponse(
            {
                "bot": {"name": BOT_NAME, "username": BOT_USERNAME},
                "clock": demo.clock_json(),
                "seq": demo.feed.seq,
                "phones": [phone.state() for phone in demo.phones.values()],
            }
        )

    async def phones(request: Request) -> Response:
        return JSONResponse([phone.summary() for phone in demo.phones.values()])

    async def phone_state(request: Request) -> Response:
        phone = phone_of(request)
        if phone is None:
            return _error(404, "no such phone")
        return JSONResponse(phone.state())

    async def phone_commands(request: Request) -> Response:
        phone = phone_of(request)
        if phone is None:
            return _error(404, "no such phone")
        return JSONResponse(phone.user.commands)

    async def send(request: Request) -> Response:
        phone = phone_of(request)
        if phone is None:
            return _error(404, "no such phone")
        try:
            body = await _body(request)
            text = body.get("text")
            if not isinstance(text, str) or not text.strip():
                raise _BadInput("write something first")
            if len(text) > 4096:
                raise _BadInput("Telegram messages hold at most 4096 characters")
            sent = await phone.user.send(text)
        except _BadInput as exc:
            return _error(400, str(exc))
        except (RuntimeError, ValueError) as exc:
            return _error(409, str(exc))
        return JSONResponse({"ok": True, "message_id": sent.message_id})

    async def press(request: Request) -> Response:
        phone = phone_of(request)
        if phone is None:
            return _error(404, "no such phone")
        try:
            body = await _body(request)
            message_id, data = body.get("message_id"), body.get("data")
            if not isinstance(message_id, int) or not isinstance(data, str):
                raise _BadInput("give message_id (a number) and data (the button's data)")
            await phone.user.press(message_id, data)
        except _BadInput as exc:
            return _error(400, str(exc))
        except (LookupError, RuntimeError) as exc:
            return _error(409, str(exc))
        return JSONResponse({"ok": True})

    async def file(request: Request) -> Response:
        stored = demo.emulator.world.files.by_id.get(request.path_params["file_id"])
        if stored is None or stored.data is None:
            return _error(404, "no such file")
        name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
        return Response(
            stored.data,
            media_type=stored.mime_type or "application/octet-stream",
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
        )

    async def clock(request: Request) -> Response:
        return JSONResponse(demo.clock_json())

    async def skip(request: Request) -> Response:
        try:
            body = await _body(request)
            minutes = body.get("minutes")
            if not isinstance(minutes, int) or isinstance(minutes, bool):
                raise _BadInput("give minutes as a whole number")
            result = await demo.skip(timedelta(minutes=minutes))
        except (_BadInput, ValueError) as exc:
            return _error(400, str(exc))
        return JSONResponse(result)

    async def reset(request: Request) -> Response:
        try:
            await _body(request)
        except _BadInput as exc:
            return _error(400, str(exc))
        await demo.reset()
        return JSONResponse({"ok": True, "clock": demo.clock_json()})

    async def events(request: Request) -> Response:
        try:
            after = int(  # a reconnecting EventSource says where it stopped
                request.headers.get("last-event-id")
                or request.query_params.get("after")
                or demo.feed.seq
            )
        except ValueError:
            return _error(400, "after must be a number")

        async def stream() -> AsyncIterator[bytes]:
            yield b"retry: 1000\n\n"
            async for event in demo.feed.follow(after):
                if event is None:
                    yield b": keep-alive\n\n"
                    continue
                data = json.dumps(event.data, ensure_ascii=False)
                yield f"id: {event.seq}\ndata: {data}\n\n".encode()

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={**NO_CACHE, "X-Accel-Buffering": "no"},
        )

    routes = [
        Route("/", index),
        Route("/favicon.ico", favicon),
        Route("/api/state", state),
        Route("/api/phones", phones),
        Route("/api/phones/{key}", phone_state),
        Route("/api/phones/{key}/commands", phone_commands),
        Route("/api/phones/{key}/send", send, methods=["POST"]),
        Route("/api/phones/{key}/press", press, methods=["POST"]),
        Route("/api/files/{file_id}", file),
        Route("/api/clock", clock),
        Route("/api/clock/skip", skip, methods=["POST"]),
        Route("/api/reset", reset, methods=["POST"]),
        Route("/api/events", events),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    # Only this machine's names: a page elsewhere cannot reach the demo by DNS rebinding.
    hosts = ["127.0.0.1", "localhost"]
    return Starlette(
        routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)]
    )
