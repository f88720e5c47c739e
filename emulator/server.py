"""HTTP routes: the Bot API, file downloads, and the user API under /_emulator/."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from .bodies import request_params
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError
from .httpserver import App, Request, Response, Result

if TYPE_CHECKING:
    from .core import Emulator

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
}
_HEAD_OK = b'{"ok":true,"result":'


def _error(exc: ApiError) -> Response:
    return Response.json(exc.code, exc.to_json())


def _ok(result: Any) -> Response:
    return Response(
        200,
        _HEAD_OK + json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode() + b"}",
    )


async def _await_call(work: Awaitable[Any]) -> Response:
    try:
        return _ok(await work)
    except ApiError as exc:
        return _error(exc)


def make_app(emu: Emulator) -> App:
    from .userapi import handle_user_api

    def bot_api(request: Request) -> Result:
        token, _, method = request.path[4:].partition("/")
        if token not in emu.world.bots:
            return _error(UNAUTHORIZED)
        try:
            params = request_params(request)
            result = emu.call(token, method, params)
        except ApiError as exc:
            return _error(exc)
        if isinstance(result, Awaitable):
            return _await_call(result)
        return _ok(result)

    def file_download(request: Request) -> Response:
        token, _, path = request.path[len("/file/bot") :].partition("/")
        if token not in emu.world.bots:
            return _error(UNAUTHORIZED)
        stored = emu.world.files.by_path.get(path)
        if stored is None or stored.data is None:
            return _error(NOT_FOUND)
        return Response(
            200, stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    def app(request: Request) -> Result:
        path = request.path
        if path.startswith("/bot"):
            return bot_api(request)
        if path.startswith("/file/bot"):
            return file_download(request)
        if path.startswith("/_emulator"):
            if request.method == "OPTIONS":
                return Response(204, b"", headers=CORS)
            return handle_user_api(emu, request)
        if path in ("/", "/favicon.ico"):
            return Response(200, b"Telegram Bot API emulator\n", content_type="text/plain")
        return _error(NOT_FOUND)

    return app
