"""The emulator's side of a bot's settings and health, as `mentorbot setup` and `mentorbot doctor`
use them: descriptions per language, the profile photo, the `Date` header, a revoked token,
and a webhook Telegram cannot deliver to."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from email.utils import parsedate_to_datetime

import httpx
import pytest

from emulator import Emulator, FloodLimits
from tests.conftest import eventually

pytestmark = pytest.mark.asyncio

TOKEN = "778:bot-settings-test-token"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WALL = 1_767_225_600.0  # 2026-01-01 00:00 UTC


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(tokens=[TOKEN], flood_limits=FloodLimits.off(), wall_clock=lambda: WALL)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def http(emu: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{emu.base_url}/bot{TOKEN}") as client:
        yield client


async def test_every_answer_has_a_date_header_from_the_emulators_wall_clock(
    http: httpx.AsyncClient,
) -> None:
    for response in (await http.post("/getMe"), await http.post("/noSuchMethod")):
        assert parsedate_to_datetime(response.headers["date"]).timestamp() == WALL


async def test_descriptions_per_language_fall_back_to_the_default(
    http: httpx.AsyncClient,
) -> None:
    await http.post("/setMyDescription", data={"description": "Default text"})
    await http.post(
        "/setMyDescription", data={"description": "Text en català", "language_code": "ca"}
    )
    await http.post(
        "/setMyShortDescription", data={"short_description": "Curta", "language_code": "ca"}
    )
    ca = (await http.post("/getMyDescription", data={"language_code": "ca"})).json()
    es = (await http.post("/getMyDescription", data={"language_code": "es"})).json()
    short = (await http.post("/getMyShortDescription", data={"language_code": "ca"})).json()
    assert ca["result"] == {"description": "Text en català"}
    assert es["result"] == {"description": "Default text"}
    assert short["result"] == {"short_description": "Curta"}
    too_long = await http.post("/setMyShortDescription", data={"short_description": "x" * 121})
    assert too_long.status_code == 400


async def test_profile_photo_is_a_jpeg_uploaded_under_its_own_name(
    emu: Emulator, http: httpx.AsyncClient
) -> None:
    photo = json.dumps({"type": "static", "photo": "attach://pic"})
    ok = await http.post(
        "/setMyProfilePhoto", data={"photo": photo}, files={"pic": ("me.jpg", JPEG, "image/jpeg")}
    )
    assert ok.json() == {"ok": True, "result": True}
    stored = emu.bot().profile_photo
    assert stored is not None and stored.data == JPEG
    png = await http.post(
        "/setMyProfilePhoto",
        data={"photo": photo},
        files={"pic": ("me.png", b"\x89PNG....", "image/png")},
    )
    assert png.status_code == 400 and "IMAGE_PROCESS_FAILED" in png.json()["description"]
    unattached = await http.post(
        "/setMyProfilePhoto", data={"photo": json.dumps({"type": "static", "photo": "attach://x"})}
    )
    assert unattached.status_code == 400
    assert (await http.post("/removeMyProfilePhoto")).json()["result"] is True
    assert emu.bot().profile_photo is None


async def test_a_revoked_token_is_refused(emu: Emulator, http: httpx.AsyncClient) -> None:
    assert (await http.post("/getMe")).status_code == 200
    emu.revoke_token()
    refused = await http.post("/getMe")
    assert refused.status_code == 401 and refused.json()["description"] == "Unauthorized"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_info_tells_the_last_delivery_error_and_what_waits(
    emu: Emulator, http: httpx.AsyncClient
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/telegram"
    await http.post("/setWebhook", data={"url": url})
    alice = emu.user(first_name="Alice")
    await alice.send("hello")
    await alice.send("anyone?")

    async def failed() -> bool:
        info = (await http.post("/getWebhookInfo")).json()["result"]
        return "last_error_message" in info

    await eventually(failed)
    info = (await http.post("/getWebhookInfo")).json()["result"]
    assert info["url"] == url
    assert info["pending_update_count"] == 2
    assert info["last_error_message"].startswith("Connection failed")
    assert info["last_error_date"] == int(WALL)
