"""The emulator over raw HTTP: body formats, error shapes, webhooks, the user API, the CLI."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import Update
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from emulator import Emulator, FloodLimits
from emulator.httpserver import HttpServer, Request, Response
from tests.harness import Telegram

pytestmark = pytest.mark.asyncio

TOKEN = "777:http-test-token"


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(tokens=[TOKEN], flood_limits=FloodLimits.off())
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def http(emu: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=emu.base_url) as client:
        yield client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_error_shapes(http: httpx.AsyncClient) -> None:
    r = await http.post("/bot1:nope/getMe")
    assert (r.status_code, r.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    r = await http.post(f"/bot{TOKEN}/noSuchMethod")
    assert (r.status_code, r.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    r = await http.get(f"/bot{TOKEN}/getme")  # method names are case-insensitive, GET works
    assert r.status_code == 200 and r.json()["result"]["username"] == "mentorbot_demo_bot"
    r = await http.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": 5, "text": "x", "bogus": 1})
    assert r.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: unknown parameter bogus",
    }
    r = await http.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": 5})
    assert r.json()["description"] == "Bad Request: message text is empty"


async def test_json_form_and_query_bodies(emu: Emulator, http: httpx.AsyncClient) -> None:
    user = emu.user(first_name="Dana")
    await user.send("/start")
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    r = await http.post(
        f"/bot{TOKEN}/sendMessage",
        json={"chat_id": user.id, "text": "json", "reply_markup": markup},
    )
    assert r.json()["result"]["reply_markup"] == markup
    form = {"chat_id": str(user.id), "text": "form", "reply_markup": json.dumps(markup)}
    r = await http.post(f"/bot{TOKEN}/sendMessage", data=form)
    result = r.json()["result"]
    assert result["text"] == "form" and result["chat"] == {
        "id": user.id,
        "type": "private",
        "first_name": "Dana",
    }
    assert result["from"]["is_bot"] is True
    r = await http.get(f"/bot{TOKEN}/sendMessage", params={"chat_id": user.id, "text": "query"})
    assert r.json()["ok"] is True
    r = await http.post(
        f"/bot{TOKEN}/sendMessage", data={"chat_id": user.id, "text": "x", "reply_markup": "{oops"}
    )
    assert r.json()["description"] == "Bad Request: can't parse reply keyboard markup JSON object"
    assert [m.text for m in user.messages] == ["json", "form", "query"]
    assert user.messages[0].buttons == [[("Go", "go")]]


async def test_multipart_document(emu: Emulator, http: httpx.AsyncClient) -> None:
    user = emu.user()
    await user.send("/start")
    files = {"document": ("report.pdf", b"%PDF-1.4 data", "application/pdf")}
    data = {"chat_id": str(user.id), "caption": "<b>R</b>", "parse_mode": "HTML"}
    r = await http.post(f"/bot{TOKEN}/sendDocument", data=data, files=files)
    doc = r.json()["result"]["document"]
    assert (
        doc["file_name"] == "report.pdf"
        and doc["mime_type"] == "application/pdf"
        and doc["file_size"] == 13
    )
    r = await http.get(f"/bot{TOKEN}/getFile", params={"file_id": doc["file_id"]})
    path = r.json()["result"]["file_path"]
    r = await http.get(f"/file/bot{TOKEN}/{path}")
    assert r.content == b"%PDF-1.4 data"
    assert user.messages[-1].caption == "R"


async def test_user_api(emu: Emulator, http: httpx.AsyncClient) -> None:
    r = await http.post("/_emulator/users", json={"first_name": "Eve", "language_code": "uk"})
    user = r.json()
    assert user["first_name"] == "Eve" and user["language_code"] == "uk"
    uid = user["id"]
    events = asyncio.create_task(
        http.get(f"/_emulator/users/{uid}/events", params={"after": 1, "timeout": 5})
    )
    r = await http.post(f"/_emulator/users/{uid}/send", json={"text": "/start"})
    assert r.json()["ok"] and r.json()["last_seq"] == 1
    markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}
    sent = await emu.api(
        "sendMessage", chat_id=uid, text="<i>Sure?</i>", parse_mode="HTML", reply_markup=markup
    )
    got = (await asyncio.wait_for(events, 5)).json()
    assert [e["kind"] for e in got["events"]] == ["message"]
    assert got["events"][0]["message"]["text"] == "Sure?"
    r = await http.post(f"/_emulator/users/{uid}/press", json={"label": "Yes"})
    assert r.json()["callback_query_id"]
    r = await http.post(f"/_emulator/users/{uid}/press", json={"label": "No"})
    assert r.status_code == 400 and "no button labelled 'No'" in r.json()["error"]
    r = await http.get(f"/_emulator/users/{uid}/messages")
    assert r.json()[0]["html"] == "<i>Sure?</i>" and r.json()[0]["message_id"] == sent["message_id"]
    await http.post(f"/_emulator/users/{uid}/block")
    r = await http.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": uid, "text": "x"})
    assert (r.status_code, r.json()["description"]) == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    r = await http.get("/_emulator/calls", params={"method": "sendMessage"})
    assert [c["ok"] for c in r.json()] == [True, False]
    updates = await emu.api("getUpdates")
    assert [next(k for k in u if k != "update_id") for u in updates] == [
        "message",
        "callback_query",
        "my_chat_member",
    ]


async def test_user_event_stream(emu: Emulator, http: httpx.AsyncClient) -> None:
    user = emu.user()
    await user.send("/start")
    received: list[dict[str, Any]] = []

    async def listen() -> None:
        async with http.stream(
            "GET", f"/_emulator/users/{user.id}/stream", params={"after": 1}
        ) as r:
            async for line in r.aiter_lines():
                if line.startswith("data: "):
                    received.append(json.loads(line[6:]))
                    return

    task = asyncio.create_task(listen())
    await emu.api("sendMessage", chat_id=user.id, text="streamed")
    await asyncio.wait_for(task, 5)
    assert received[0]["kind"] == "message" and received[0]["message"]["text"] == "streamed"


async def test_subscribe_and_callbacks(emu: Emulator) -> None:
    user = emu.user()
    await user.send("/start")
    seen: list[str] = []
    unsubscribe = user.on_event(lambda e: seen.append(e.kind))
    stream = user.subscribe(after=user.last_seq)
    await emu.api("sendMessage", chat_id=user.id, text="a")
    event = await asyncio.wait_for(anext(stream), 1)
    assert event.message is not None and event.message.text == "a"
    await emu.api("sendChatAction", chat_id=user.id, action="typing")
    unsubscribe()
    await emu.api("sendMessage", chat_id=user.id, text="b")
    assert seen == ["message", "chat_action"]


async def test_webhook_delivery_with_secret(emu: Emulator) -> None:
    received: list[tuple[dict[str, str], bytes]] = []
    got = asyncio.Event()

    def hook(request: Request) -> Response:
        received.append((request.headers, request.body))
        got.set()
        return Response(200, b"")

    server = HttpServer(hook)
    port = await server.start("127.0.0.1", 0)
    try:
        user = emu.user()
        await user.send("/start")  # pending before the webhook is set: delivered too
        await emu.api("setWebhook", url=f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        await asyncio.wait_for(got.wait(), 5)
        headers, body = received[0]
        assert headers["x-telegram-bot-api-secret-token"] == "s3cret"
        assert headers["content-type"] == "application/json"
        assert json.loads(body)["message"]["text"] == "/start"
        got.clear()
        await user.send("second")
        await asyncio.wait_for(got.wait(), 5)
        texts = [json.loads(b)["message"]["text"] for _h, b in received]
        assert texts == ["/start", "second"]  # in order, each once
        info = await emu.api("getWebhookInfo")
        assert info["url"].endswith("/hook") and "last_error_message" not in info
    finally:
        await emu.api("deleteWebhook")
        await server.stop()


async def test_ptb_application_in_webhook_mode(emu: Emulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("hello from a webhook")

    port = free_port()
    app = ApplicationBuilder().token(TOKEN).base_url(f"{emu.base_url}/bot").build()
    app.add_handler(CommandHandler("start", start))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="tg",
        webhook_url=f"http://127.0.0.1:{port}/tg",
        secret_token="s3cret",
    )
    try:
        alice = Telegram(emu).user("Alice")
        await alice.send("/start")
        assert (await alice.next_message()).text == "hello from a webhook"
        set_call = emu.calls_to("setWebhook")[-1]
        assert set_call.params["secret_token"] == "s3cret"

        # with a secret PTB does not expect, PTB refuses the update with 403
        await emu.api("setWebhook", url=f"http://127.0.0.1:{port}/tg", secret_token="wrong")
        bob = Telegram(emu, timeout=0.5).user("Bob")
        await bob.send("/start")
        with pytest.raises(AssertionError):
            await bob.next_message()
        info = await emu.api("getWebhookInfo")
        assert info["pending_update_count"] == 1
        assert "403" in info["last_error_message"]
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def test_cli_runs_standalone() -> None:
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "emulator", "--port", str(port), "--token", "1:A", "--token", "2:B", "--no-flood-limit",
        "--no-groups", stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 10)
        assert f"127.0.0.1:{port}" in line.decode()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            me = (await client.get("/bot2:B/getMe")).json()
            assert me["ok"] is True and me["result"]["can_join_groups"] is False
            assert (await client.get("/bot3:C/getMe")).status_code == 401
    finally:
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 10) == 0


async def test_cli_main_parses_arguments() -> None:
    from emulator.cli import build_parser

    args = build_parser().parse_args(
        ["--port", "0", "--token", "1:A", "--bot-username", "x_bot", "--no-flood-limit"]
    )
    assert (args.port, args.token, args.bot_username, args.no_flood_limit) == (
        0,
        ["1:A"],
        "x_bot",
        True,
    )
