"""A message as a Telegram client shows it: its text and entities turned into HTML for the demo
page. Only the tags of Telegram's formatting subset come out (b, i, u, s, code, pre, a,
blockquote, tg-spoiler); everything else is text, escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

ALLOWED_TAGS = frozenset({"b", "i", "u", "s", "code", "pre", "a", "blockquote", "tg-spoiler"})
_SIMPLE = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "code": "code",
    "spoiler": "tg-spoiler",
}
_VERBATIM = frozenset({"url", "email", "phone_number", "bot_command", "text_link", "code", "pre"})
_BLOCKS = frozenset({"pre", "blockquote", "expandable_blockquote"})
_LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:", "tg://")
# What a client turns into links by itself: commands (tap to send) and web addresses.
_AUTO = re.compile(
    r"(?P<command>(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@]))"
    r"|(?P<url>\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]])"
)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _link(url: str) -> str | None:
    return url if url.lower().startswith(_LINK_SCHEMES) else None


def _plain(text: str) -> str:
    """Escaped text, with commands and web addresses made into links, as clients do."""
    out: list[str] = []
    pos = 0
    for m in _AUTO.finditer(text):
        out.append(html.escape(text[pos : m.start()], quote=False))
        word = m.group()
        if m.group("command"):
            command = word.split("@", 1)[0]
            out.append(f'<a href="#" class="tg-command" data-command="{_attr(command)}">')
        else:
            out.append(f'<a href="{_attr(word)}" target="_blank" rel="noopener noreferrer">')
        out.append(html.escape(word, quote=False) + "</a>")
        pos = m.end()
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def _open_close(entity: Mapping[str, Any], inner: str) -> tuple[str, str]:
    kind = str(entity.get("type", ""))
    if kind in _SIMPLE:
        tag = _SIMPLE[kind]
        return f"<{tag}>", f"</{tag}>"
    if kind == "pre":
        language = str(entity.get("language") or "")
        attr = f' data-language="{_attr(language)}"' if language else ""
        return f"<pre{attr}>", "</pre>"
    if kind in ("blockquote", "expandable_blockquote"):
        attr = ' class="expandable"' if kind == "expandable_blockquote" else ""
        return f"<blockquote{attr}>", "</blockquote>"
    if kind == "text_link":
        url = _link(str(entity.get("url") or ""))
        if url is not None:
            return f'<a href="{_attr(url)}" target="_blank" rel="noopener noreferrer">', "</a>"
        return "", ""
    if kind in ("url", "email", "phone_number"):
        prefix = {"email": "mailto:", "phone_number": "tel:"}.get(kind, "")
        url = _link(prefix + inner)
        if url is not None:
            return f'<a href="{_attr(url)}" target="_blank" rel="noopener noreferrer">', "</a>"
        return "", ""
    if kind == "bot_command":
        command = inner.split("@", 1)[0]
        return f'<a href="#" class="tg-command" data-command="{_attr(command)}">', "</a>"
    return "", ""  # mentions, hashtags, custom emoji…: shown as their text


class _Text:
    """A string addressed in UTF-16 code units, as Telegram's offsets are."""

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-16-le", "surrogatepass")
        self.length = len(self.data) // 2

    def __getitem__(self, span: slice) -> str:
        start, stop = span.start * 2, span.stop * 2
        return self.data[start:stop].decode("utf-16-le", "replace")


def _entities(raw: Iterable[Mapping[str, Any]], length: int) -> list[Mapping[str, Any]]:
    kept = []
    for e in raw:
        try:
            offset, size = int(e["offset"]), int(e["length"])
        except (KeyError, TypeError, ValueError):
            continue
        if size > 0 and 0 <= offset < length:
            kept.append(e)
    return sorted(kept, key=lambda e: (int(e["offset"]), -int(e["length"])))


def _render(text: _Text, start: int, end: int, entities: list[Mapping[str, Any]]) -> str:
    out: list[str] = []
    pos, i = start, 0
    while i < len(entities):
        entity = entities[i]
        begin = max(int(entity["offset"]), pos)
        stop = min(int(entity["offset"]) + int(entity["length"]), end)
        j = i + 1
        while j < len(entities) and int(entities[j]["offset"]) < stop:
            j += 1
        if begin < stop:
            out.append(_plain(text[pos:begin]))
            children = entities[i + 1 : j]
            open_tag, close_tag = _open_close(entity, text[begin:stop])
            if entity.get("type") in _VERBATIM:  # no links inside links or code
                inner = html.escape(text[begin:stop], quote=False)
            else:
                inner = _render(text, begin, stop, children)
            out.append(open_tag + inner + close_tag)
            pos = stop
            if entity.get("type") in _BLOCKS and pos < end and text[pos : pos + 1] == "\n":
                pos += 1  # the block already ends the line
        i = j
    out.append(_plain(text[pos:end]))
    return "".join(out)


def telegram_html(text: str, entities: Iterable[Mapping[str, Any]] = ()) -> str:
    """Safe HTML for a message's text and entities (offsets in UTF-16 code units)."""
    units = _Text(text)
    return _render(units, 0, units.length, _entities(entities, units.length))
