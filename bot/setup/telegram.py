"""The few Bot API calls of the set-up: the token (getMe), the descriptions and command menu
in the organisation's languages, and the profile photo."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from bot.config import TELEGRAM_API_URL
from bot.i18n import N_, translator
from bot.setup.answers import Answers, BotInfo, Done, SetupError

DESCRIPTION = N_(
    "This bot accompanies the mentoring programme of %(org)s: mentors log their meetings and "
    "plan appointments, the people they accompany see their next meetings and can ask for "
    "help, each in their own language.\n\nIt works only with a personal invitation link from "
    "the programme's staff: ask them for yours."
)
SHORT_DESCRIPTION = N_("The mentoring programme of %(org)s, in your language.")
DESCRIPTION_LIMIT, SHORT_LIMIT = 512, 120


def api_url() -> str:
    return os.environ.get("MENTORBOT_API_URL", "").strip() or TELEGRAM_API_URL


class Telegram:
    """The few Bot API calls of the set-up, made directly (a script that runs once)."""

    def __init__(self, api_url: str, token: str) -> None:
        self.base = f"{api_url.rstrip('/')}/bot{token}"

    def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        upload: Mapping[str, Any] | None = None,
    ) -> Any:
        data = {
            k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in (params or {}).items()
        }
        try:
            with httpx.Client(timeout=15) as client:
                response = client.post(f"{self.base}/{method}", data=data, files=upload)
                body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SetupError(f"Telegram cannot be reached ({type(exc).__name__})") from None
        if not body.get("ok"):
            code = body.get("error_code", response.status_code)
            if code in (401, 404):
                raise SetupError("Telegram does not know this token: copy it again from @BotFather")
            raise SetupError(f"Telegram refused {method}: {body.get('description', code)}")
        return body.get("result")


def check_token(api_url: str, value: str) -> tuple[str, BotInfo]:
    token = value.strip()
    head, _, tail = token.partition(":")
    if not head.isdigit() or len(tail) < 20:
        raise SetupError("a token looks like 123456789:AAE…: copy it whole from @BotFather")
    me = Telegram(api_url, token).call("getMe")
    return token, BotInfo(
        str(me.get("username", "")),
        str(me.get("first_name", "")),
        bool(me.get("can_join_groups")),
        bool(me.get("can_read_all_group_messages")),
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def apply_telegram(a: Answers, done: Done) -> None:
    """Descriptions and the command menu in each of the organisation's languages (and, with no
    language, in its main one), set only where Telegram has something else; the photo."""
    from bot.commands import default_languages, menu

    api = Telegram(api_url(), a.token)
    # Telegram shows these by the app's language, named by two letters ("" for all others).
    # A language without such a code ("ckb", "fa_AF") has none here, as in bot.commands.
    for locale, code in [(a.language, ""), *default_languages((a.language, *a.languages))]:
        tr = translator(locale)
        wanted = {
            "description": _cut(
                tr.gettext(DESCRIPTION) % {"org": a.organisation}, DESCRIPTION_LIMIT
            ),
            "short_description": _cut(
                tr.gettext(SHORT_DESCRIPTION) % {"org": a.organisation}, SHORT_LIMIT
            ),
        }
        for kind, method in (
            ("description", "Description"),
            ("short_description", "ShortDescription"),
        ):
            have = api.call(f"getMy{method}", {"language_code": code}).get(kind, "")
            if have != wanted[kind]:
                api.call(f"setMy{method}", {"language_code": code, kind: wanted[kind]})
                done.telegram.append(f"{kind} {code or 'default'}")
        commands = [c.to_dict() for c in menu(None, locale)]
        have_commands = api.call("getMyCommands", {"language_code": code})
        if have_commands != commands:
            api.call("setMyCommands", {"language_code": code, "commands": commands})
            done.telegram.append(f"commands {code or 'default'}")
    if a.profile_photo:
        path = Path(a.profile_photo)
        api.call(
            "setMyProfilePhoto",
            {"photo": {"type": "static", "photo": "attach://picture"}},
            upload={"picture": (path.name, path.read_bytes(), "image/jpeg")},
        )
        done.telegram.append("profile photo")
