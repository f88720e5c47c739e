"""Content rules of the Bot API: lengths, reply markup, commands, chat actions."""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request
from .formatting import utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_INLINE_BUTTONS = 100
MAX_REPLY_BUTTONS = 300
MAX_COMMANDS = 100
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}  # fmt: skip
_INLINE_KINDS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
)  # fmt: skip
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}\Z")
_LANG_RE = re.compile(r"[a-z]{2}\Z")
_URL_RE = re.compile(r"(https?|tg)://[^\s]+\Z", re.IGNORECASE)
SCOPES = {
    "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
    "chat", "chat_administrators", "chat_member",
}  # fmt: skip


def check_text(text: str) -> None:
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption(caption: str) -> None:
    if utf16_len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")


def check_reply_markup(markup: Any) -> dict[str, Any]:
    """Validate an InlineKeyboardMarkup / ReplyKeyboardMarkup / ReplyKeyboardRemove / ForceReply."""
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _check_reply_keyboard(markup["keyboard"])
        for flag in (
            "is_persistent", "resize_keyboard", "one_time_keyboard", "selective",
        ):  # fmt: skip
            if flag in markup and not isinstance(markup[flag], bool):
                raise bad_request(f'Field "{flag}" must be of type Boolean')
        placeholder = markup.get("input_field_placeholder")
        if placeholder is not None and not (
            isinstance(placeholder, str) and len(placeholder) <= 64
        ):
            raise bad_request("can't parse reply keyboard markup JSON object")
    elif not (markup.get("remove_keyboard") is True or markup.get("force_reply") is True):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    count = 0
    for row in rows:
        for button in row:
            count += 1
            if not isinstance(button, dict):
                raise bad_request(
                    "can't parse inline keyboard button: InlineKeyboardButton should be an Object"
                )
            text = button.get("text")
            if not isinstance(text, str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            if not text.strip():
                raise bad_request("BUTTON_TEXT_EMPTY")
            kinds = [k for k in _INLINE_KINDS if k in button]
            if not kinds:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if (
                    not isinstance(data, str)
                    or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA
                ):
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not _URL_RE.match(url):
                    raise bad_request(
                        f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL"
                    )
    if count > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")


def _check_reply_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
        )
    count = 0
    for row in rows:
        for button in row:
            count += 1
            text = (
                button
                if isinstance(button, str)
                else button.get("text")
                if isinstance(button, dict)
                else None
            )
            if not isinstance(text, str) or not text:
                raise bad_request(
                    'can\'t parse keyboard button: Field "text" must be of type String'
                )
    if count > MAX_REPLY_BUTTONS:
        raise bad_request("reply markup is too long")


def check_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands specified")
    out: list[dict[str, str]] = []
    for c in commands:
        if not isinstance(c, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command, description = c.get("command"), c.get("description")
        if not isinstance(command, str) or not _COMMAND_RE.match(command.lower()):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        out.append({"command": command.lower(), "description": description})
    return out


def check_language(code: str | None) -> str:
    if not code:
        return ""
    if not _LANG_RE.match(code):
        raise bad_request("invalid language code specified")
    return code


def scope_key(scope: Any) -> tuple[str, int, int]:
    """A canonical key for a BotCommandScope: (type, chat_id, user_id)."""
    if scope is None:
        return ("default", 0, 0)
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = str(scope["type"])
    chat_id = user_id = 0
    if kind in ("chat", "chat_administrators", "chat_member"):
        raw = scope.get("chat_id")
        if isinstance(raw, str) and raw.lstrip("-").isdigit():
            raw = int(raw)
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise bad_request("chat_id is empty")
        chat_id = raw
    if kind == "chat_member":
        raw_user = scope.get("user_id")
        if not isinstance(raw_user, int) or isinstance(raw_user, bool):
            raise bad_request("user_id is empty")
        user_id = raw_user
    return (kind, chat_id, user_id)


def check_chat_action(action: str) -> None:
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
