"""Synchronous Bot API methods (everything except long polling and webhooks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import BLOCKED, CHAT_NOT_FOUND, NOT_MODIFIED, ApiError, bad_request, forbidden
from .files import StoredFile, UploadedFile
from .formatting import check_entities, render
from .rules import (
    check_caption,
    check_chat_action,
    check_commands,
    check_language,
    check_reply_markup,
    check_text,
    scope_key,
)
from .state import BotState, ChatState, StoredMessage, World
from .views import CallbackAnswer

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
Handler = Callable[[World, BotState, dict[str, Any]], Any]
HANDLERS: dict[str, Handler] = {}
# Methods whose JSON parameters may refer to files uploaded under names of their own
# ("attach://<name>"); those files reach the handler under ATTACHED.
ATTACHING = frozenset({"setMyProfilePhoto"})
ATTACHED = "_attached"


def method(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register


def _render(
    p: dict[str, Any], text_key: str, entities_key: str
) -> tuple[str, list[dict[str, Any]]]:
    entities = check_entities(p[entities_key]) if entities_key in p else None
    return render(p.get(text_key, ""), p.get("parse_mode"), entities)


def _markup(p: dict[str, Any]) -> dict[str, Any] | None:
    return check_reply_markup(p["reply_markup"]) if "reply_markup" in p else None


def _reply_to(chat: ChatState, p: dict[str, Any]) -> StoredMessage | None:
    params = p.get("reply_parameters")
    if params is None:
        return None
    if not isinstance(params, dict) or not isinstance(params.get("message_id"), int):
        raise bad_request("can't parse reply parameters JSON object")
    target = chat.messages.get(params["message_id"])
    if target is None or target.deleted:
        if params.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")
    return target


def _store(world: World, bot: BotState, chat: ChatState, msg: StoredMessage) -> dict[str, Any]:
    chat.messages[msg.message_id] = msg
    world.show_keyboard(chat, msg.reply_markup)
    world.emit(bot, chat, "message", msg)
    return world.message_json(bot, chat, msg)


@method("getMe")
def get_me(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    return bot.me_json()


@method("logOut")
@method("close")
def log_out(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    return True


@method("sendMessage")
def send_message(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    chat = world.target_chat(bot, p["chat_id"])
    text, entities = _render(p, "text", "entities")
    check_text(text)
    markup = _markup(p)
    reply_to = _reply_to(chat, p)
    world.check_flood(bot, chat.id)
    msg = StoredMessage(
        chat.new_message_id(), chat.id, world.now(), True, text, entities, p["text"],
        p.get("parse_mode"), markup, reply_to=reply_to,
    )  # fmt: skip
    if "link_preview_options" in p:
        msg.extra["link_preview_options"] = p["link_preview_options"]
    return _store(world, bot, chat, msg)


def _input_file(world: World, value: Any, kind: str) -> StoredFile:
    if isinstance(value, UploadedFile):
        if not value.data:
            raise bad_request("file must be non-empty")
        if len(value.data) > (MAX_PHOTO_BYTES if kind == "photos" else MAX_UPLOAD_BYTES):
            raise ApiError(413, "Request Entity Too Large")
        mime = (
            value.content_type
            if value.content_type not in ("", "application/octet-stream")
            else None
        )
        return world.files.add(
            value.data, kind=kind, file_name=value.filename or None, mime_type=mime
        )
    if isinstance(value, str):
        known = world.files.by_id.get(value)
        if known is not None:
            return known
        if value.startswith(("http://", "https://")):
            name = value.rsplit("/", 1)[-1].split("?", 1)[0] or None
            return world.files.add(None, kind=kind, file_name=name, url=value)
    raise bad_request("wrong file identifier/HTTP URL specified")


FILE_DIRS = {"document": "documents", "photo": "photos", "voice": "voice"}


def _send_file(world: World, bot: BotState, p: dict[str, Any], kind: str, field: str) -> Any:
    chat = world.target_chat(bot, p["chat_id"])
    caption, entities = _render(p, "caption", "caption_entities")
    check_caption(caption)
    markup = _markup(p)
    reply_to = _reply_to(chat, p)
    stored = _input_file(world, p[field], FILE_DIRS[kind])
    world.check_flood(bot, chat.id)
    msg = StoredMessage(
        chat.new_message_id(), chat.id, world.now(), True, caption, entities, p.get("caption", ""),
        p.get("parse_mode"), markup, file=stored, kind=kind, reply_to=reply_to,
    )  # fmt: skip
    if kind == "voice":
        msg.extra["duration"] = int(p.get("duration", 0) or 0)
    return _store(world, bot, chat, msg)


@method("sendDocument")
def send_document(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    return _send_file(world, bot, p, "document", "document")


@method("sendPhoto")
def send_photo(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    return _send_file(world, bot, p, "photo", "photo")


@method("sendVoice")
def send_voice(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    return _send_file(world, bot, p, "voice", "voice")


def _coordinate(value: Any, limit: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > limit:
        raise bad_request(f"{name.upper()}_INVALID")
    return float(value)


@method("sendLocation")
def send_location(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    chat = world.target_chat(bot, p["chat_id"])
    location: dict[str, Any] = {
        "latitude": _coordinate(p["latitude"], 90, "latitude"),
        "longitude": _coordinate(p["longitude"], 180, "longitude"),
    }
    if "horizontal_accuracy" in p:
        location["horizontal_accuracy"] = float(p["horizontal_accuracy"])
    markup = _markup(p)
    reply_to = _reply_to(chat, p)
    world.check_flood(bot, chat.id)
    msg = StoredMessage(
        chat.new_message_id(), chat.id, world.now(), True, None, [], "", None, markup,
        kind="location", reply_to=reply_to,
    )  # fmt: skip
    msg.extra["location"] = location
    return _store(world, bot, chat, msg)


@method("copyMessage")
def copy_message(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    """A copy of a message, without any link to the original or its sender (no
    forward_origin): media by the same file, the caption kept unless a new one is given
    (a text's `caption` is ignored, as on Telegram). Answers a MessageId."""
    source = world.existing_chat(bot, p["from_chat_id"])
    original = source.messages.get(p["message_id"]) if isinstance(p["message_id"], int) else None
    if original is None or original.deleted:
        raise bad_request("message to copy not found")
    if original.kind == "service":
        raise bad_request("message can't be copied")
    chat = world.target_chat(bot, p["chat_id"])
    text, entities, source_text, parse_mode = (
        original.text, list(original.entities), original.source, original.parse_mode
    )  # fmt: skip
    if original.kind not in ("text", "location") and "caption" in p:
        text, entities = _render(p, "caption", "caption_entities")
        check_caption(text)
        source_text, parse_mode = p["caption"], p.get("parse_mode")
    markup = _markup(p)
    reply_to = _reply_to(chat, p)
    world.check_flood(bot, chat.id)
    msg = StoredMessage(
        chat.new_message_id(), chat.id, world.now(), True, text, entities, source_text,
        parse_mode, markup, file=original.file, kind=original.kind, reply_to=reply_to,
    )  # fmt: skip
    msg.extra.update({k: v for k, v in original.extra.items() if k in ("location", "duration")})
    _store(world, bot, chat, msg)
    return {"message_id": msg.message_id}


@method("getFile")
def get_file(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    stored = world.files.by_id.get(p["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.file_json()


def _editable(world: World, bot: BotState, p: dict[str, Any]) -> tuple[ChatState, StoredMessage]:
    if "inline_message_id" in p:
        raise bad_request("inline_message_id is not implemented by the emulator")
    if "chat_id" not in p:
        raise bad_request("chat_id is empty")
    if "message_id" not in p:
        raise bad_request("message identifier is not specified")
    chat = world.existing_chat(bot, p["chat_id"])
    if chat.blocked:
        raise forbidden(BLOCKED)
    msg = chat.messages.get(p["message_id"])
    if msg is None or msg.deleted:
        raise bad_request("message to edit not found")
    if not msg.from_bot:
        raise bad_request("message can't be edited")
    return chat, msg


def _inline(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    return markup if markup is not None and "inline_keyboard" in markup else None


def _apply_edit(world: World, bot: BotState, chat: ChatState, msg: StoredMessage) -> Any:
    if world.flood_limits.count_edits:
        world.check_flood(bot, chat.id)
    msg.edit_date = world.now()
    world.emit(bot, chat, "edit", msg)
    return world.message_json(bot, chat, msg)


@method("editMessageText")
def edit_message_text(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    chat, msg = _editable(world, bot, p)
    if msg.kind != "text":
        raise bad_request("there is no text in the message to edit")
    text, entities = _render(p, "text", "entities")
    check_text(text)
    markup = _markup(p)
    if text == msg.text and entities == msg.entities and markup == _inline(msg.reply_markup):
        raise bad_request(NOT_MODIFIED)
    msg.text, msg.entities, msg.source, msg.parse_mode = (
        text,
        entities,
        p["text"],
        p.get("parse_mode"),
    )
    msg.reply_markup = markup
    return _apply_edit(world, bot, chat, msg)


@method("editMessageCaption")
def edit_message_caption(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    chat, msg = _editable(world, bot, p)
    if msg.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    caption, entities = _render(p, "caption", "caption_entities")
    check_caption(caption)
    markup = _markup(p)
    if (
        caption == (msg.text or "")
        and entities == msg.entities
        and markup == _inline(msg.reply_markup)
    ):
        raise bad_request(NOT_MODIFIED)
    msg.text, msg.entities, msg.source, msg.parse_mode = (
        caption,
        entities,
        p.get("caption", ""),
        p.get("parse_mode"),
    )
    msg.reply_markup = markup
    return _apply_edit(world, bot, chat, msg)


@method("editMessageReplyMarkup")
def edit_message_reply_markup(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    chat, msg = _editable(world, bot, p)
    markup = _markup(p)
    if markup == _inline(msg.reply_markup):
        raise bad_request(NOT_MODIFIED)
    msg.reply_markup = markup
    return _apply_edit(world, bot, chat, msg)


DELETE_WINDOW_SECONDS = 48 * 3600  # Telegram deletes only messages sent less than 48 h ago


def _deletable(world: World, msg: StoredMessage) -> bool:
    return world.now() - msg.date < DELETE_WINDOW_SECONDS


@method("deleteMessage")
def delete_message(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    chat = world.existing_chat(bot, p["chat_id"])
    msg = chat.messages.get(p["message_id"])
    if msg is None or msg.deleted:
        raise bad_request("message to delete not found")
    if not _deletable(world, msg):
        raise bad_request("message can't be deleted for everyone")
    msg.deleted = True
    world.emit(bot, chat, "delete", msg)
    return True


@method("deleteMessages")
def delete_messages(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    chat = world.existing_chat(bot, p["chat_id"])
    ids = p["message_ids"]
    if not isinstance(ids, list) or not ids:
        raise bad_request("message_ids is empty")
    if len(ids) > 100:
        raise bad_request("too many message identifiers specified")
    # Messages not found, or too old to delete (48 h), are skipped.
    for mid in ids:
        msg = chat.messages.get(mid) if isinstance(mid, int) else None
        if msg is not None and not msg.deleted and _deletable(world, msg):
            msg.deleted = True
            world.emit(bot, chat, "delete", msg)
    return True


@method("answerCallbackQuery")
def answer_callback_query(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    query = bot.callback_queries.get(p["callback_query_id"])
    if query is None or query.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    if len(p.get("text", "")) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    answer = CallbackAnswer(
        query.id, query.user_id, p.get("text"), bool(p.get("show_alert", False)), p.get("url"),
        int(p.get("cache_time", 0)),
    )  # fmt: skip
    world.answers.append(answer)
    chat = bot.chats.get(query.chat_id if query.chat_id is not None else query.user_id)
    if chat is not None:
        world.emit(bot, chat, "callback_answer", answer=answer)
    return True


@method("leaveChat")
def leave_chat(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    """The bot leaves a group or supergroup: it gets its own `my_chat_member` update (from
    itself: member -> left), and can no longer write there."""
    chat_id = p["chat_id"]
    chat = bot.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is None:
        raise bad_request(CHAT_NOT_FOUND)
    if chat.group is None:
        raise bad_request("chat member status can't be changed in private chats")
    if chat.bot_status != "member":
        kind = "supergroup" if chat.group.type == "supergroup" else "group"
        raise forbidden(f"bot is not a member of the {kind} chat")
    chat.bot_status = "left"
    member = bot.user_json()
    bot.enqueue("my_chat_member", {
        "chat": chat.chat_json(), "from": member, "date": world.now(),
        "old_chat_member": {"user": member, "status": "member"},
        "new_chat_member": {"user": member, "status": "left"},
    })  # fmt: skip
    world.emit(bot, chat, "left")
    return True


@method("sendChatAction")
def send_chat_action(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    chat = world.target_chat(bot, p["chat_id"])
    check_chat_action(p["action"])
    world.emit(bot, chat, "chat_action", action=p["action"])
    return True


def _commands_key(
    world: World, bot: BotState, p: dict[str, Any]
) -> tuple[tuple[str, int, int], str]:
    key = scope_key(p.get("scope"))
    if key[0] in ("chat", "chat_administrators", "chat_member"):
        world.existing_chat(bot, key[1])
    return key, check_language(p.get("language_code"))


@method("setMyCommands")
def set_my_commands(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    commands = check_commands(p["commands"])
    key = _commands_key(world, bot, p)
    if commands:
        bot.commands[key] = commands
    else:
        bot.commands.pop(key, None)
    return True


@method("getMyCommands")
def get_my_commands(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    return list(bot.commands.get(_commands_key(world, bot, p), []))


@method("deleteMyCommands")
def delete_my_commands(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    bot.commands.pop(_commands_key(world, bot, p), None)
    return True


def _texts(kind: str, limit: int) -> tuple[Handler, Handler]:
    def setter(world: World, bot: BotState, p: dict[str, Any]) -> Any:
        value = p.get(kind, "")
        if len(value) > limit:
            raise bad_request(f"{kind.upper()}_INVALID")
        bot.texts[(kind, check_language(p.get("language_code")))] = value
        return True

    def getter(world: World, bot: BotState, p: dict[str, Any]) -> Any:
        lang = check_language(p.get("language_code"))
        default = bot.first_name if kind == "name" else ""
        return {kind: bot.texts.get((kind, lang), bot.texts.get((kind, ""), default))}

    return setter, getter


for _kind, _name, _limit in (
    ("name", "Name", 64), ("description", "Description", 512), ("short_description", "ShortDescription", 120),
):  # fmt: skip
    HANDLERS[f"setMy{_name}"], HANDLERS[f"getMy{_name}"] = _texts(_kind, _limit)


def _attachment(p: dict[str, Any], ref: Any) -> UploadedFile:
    if not isinstance(ref, str) or not ref.startswith("attach://"):
        raise bad_request("wrong file identifier/HTTP URL specified")
    found = p.get(ATTACHED, {}).get(ref.removeprefix("attach://"))
    if not isinstance(found, UploadedFile) or not found.data:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return found


@method("setMyProfilePhoto")
def set_my_profile_photo(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    """InputProfilePhotoStatic (a JPEG, uploaded: profile photos cannot be reused) or
    InputProfilePhotoAnimated (an MPEG4 animation)."""
    photo = p["photo"]
    if not isinstance(photo, dict) or photo.get("type") not in ("static", "animated"):
        raise bad_request("can't parse InputProfilePhoto JSON object")
    if photo["type"] == "static":
        upload = _attachment(p, photo.get("photo"))
        if not upload.data.startswith(b"\xff\xd8\xff"):  # a JPEG's magic bytes
            raise bad_request("IMAGE_PROCESS_FAILED")
    else:
        upload = _attachment(p, photo.get("animation"))
    if len(upload.data) > MAX_PHOTO_BYTES:
        raise ApiError(413, "Request Entity Too Large")
    bot.profile_photo = world.files.add(
        upload.data, kind="photos", file_name=upload.filename or None, mime_type=None
    )
    return True


@method("removeMyProfilePhoto")
def remove_my_profile_photo(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    bot.profile_photo = None
    return True


@method("setChatMenuButton")
def set_chat_menu_button(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    chat_id = p.get("chat_id", 0)
    if chat_id:
        world.existing_chat(bot, chat_id)
    button = p.get("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
        raise bad_request("can't parse menu button JSON object")
    bot.menu_buttons[chat_id] = button
    return True


@method("getChatMenuButton")
def get_chat_menu_button(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    chat_id = p.get("chat_id", 0)
    button = bot.menu_buttons.get(chat_id) or bot.menu_buttons.get(0) or {"type": "commands"}
    return {"type": "commands"} if button.get("type") == "default" else button


@method("getChat")
def get_chat(world: World, bot: BotState, p: dict[str, Any]) -> Any:
    chat = world.existing_chat(bot, p["chat_id"])
    gifts = {
        k: False
        for k in ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
    }
    gifts["gifts_from_channels"] = False
    return {
        **chat.chat_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": gifts,
    }
