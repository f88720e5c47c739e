"""Telegram text formatting: the HTML subset (as Telegram's server parses it), lengths, trimming.

``parse_html`` follows TDLib's parser: the same supported tags, the same entity decoding
(``&lt; &gt; &amp; &quot;`` and numeric references; anything else is kept literally) and
the same error messages (with UTF-8 byte offsets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, bad_request

Entity = dict[str, Any]

_TAGS = {
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
    "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
}  # fmt: skip
_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "s": "strikethrough",
    "strike": "strikethrough", "del": "strikethrough", "u": "underline", "ins": "underline",
    "tg-spoiler": "spoiler", "span": "spoiler", "code": "code", "pre": "pre",
}  # fmt: skip
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts offsets and lengths."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class ParseError(Exception):
    pass


@dataclass
class _Open:
    tag: str
    offset: int
    url: str = ""
    language: str = ""
    emoji_id: str = ""
    expandable: bool = False


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int]:
    """Decode an HTML entity at text[i] == '&'; returns (decoded, new index)."""
    m = _ENTITY_RE.match(text, i)
    if m:
        dec, hexa, name = m.groups()
        if name is not None:
            if name in _NAMED:
                return _NAMED[name], m.end()
        else:
            code = int(dec) if dec is not None else int(hexa, 16)
            if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                return chr(code), m.end()
    return "&", i + 1


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML; returns (plain text, entities). Raises ParseError."""
    out: list[str] = []
    pos16 = 0  # UTF-16 length of the output so far
    stack: list[_Open] = []
    entities: list[Entity] = []
    n = len(text)
    i = 0
    while i < n:
        m = _SPECIAL.search(text, i)
        end = m.start() if m else n
        if end > i:
            chunk = text[i:end]
            out.append(chunk)
            pos16 += utf16_len(chunk)
            i = end
            if i >= n:
                break
        if text[i] == "&":
            ch, i = _decode_entity(text, i)
            out.append(ch)
            pos16 += utf16_len(ch)
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            i = _close_tag(text, begin, i + 1, stack, entities, pos16)
            continue
        while i < n and not text[i].isspace() and text[i] != ">":
            i += 1
        if i >= n:
            raise ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        tag = text[begin + 1 : i].lower()
        if tag not in _TAGS:
            raise ParseError(
                f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        opened = _Open(tag, pos16)
        i = _attributes(text, begin, i, opened)
        if tag == "span" and opened.language != "spoiler":
            raise ParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, begin)}'
            )
        stack.append(opened)
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _attributes(text: str, begin: int, i: int, opened: _Open) -> int:
    n = len(text)
    tag = opened.tag
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise ParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        if text[i] == ">":
            return i + 1
        name_start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[name_start:i].lower()
        if not name:
            raise ParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        while i < n and text[i].isspace():
            i += 1
        if i >= n or text[i] != "=":
            if tag == "blockquote" and name == "expandable":
                opened.expandable = True
                continue
            raise ParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise ParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        if text[i] not in "'\"":
            tok = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            value = text[tok:i].lower()
            if i < n and not text[i].isspace() and text[i] != ">":
                raise ParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, tok)}"
                )
        else:
            quote = text[i]
            i += 1
            chars: list[str] = []
            while i < n and text[i] != quote:
                if text[i] == "&":
                    ch, i = _decode_entity(text, i)
                    chars.append(ch)
                else:
                    chars.append(text[i])
                    i += 1
            value = "".join(chars)
            if i < n:
                i += 1
        if i >= n:
            raise ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if tag == "a" and name == "href":
            opened.url = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            opened.language = value[len("language-") :]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            opened.language = value[3:]
        elif tag == "tg-emoji" and name == "emoji-id":
            opened.emoji_id = value
        elif tag == "blockquote" and name == "expandable":
            opened.expandable = True


def _close_tag(
    text: str, begin: int, i: int, stack: list[_Open], entities: list[Entity], pos16: int
) -> int:
    n = len(text)
    if not stack:
        raise ParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
    start = i
    while i < n and not text[i].isspace() and text[i] != ">":
        i += 1
    name = text[start:i].lower()
    while i < n and text[i].isspace():
        i += 1
    if i >= n or text[i] != ">":
        raise ParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
    opened = stack.pop()
    if name and name != opened.tag:
        raise ParseError(
            f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
            f'expected "</{opened.tag}>", found "</{name}>"'
        )
    length = pos16 - opened.offset
    if length > 0:
        entity = _entity(opened, length)
        if opened.tag == "code" and opened.language and stack and stack[-1].tag == "pre":
            stack[-1].language = opened.language
            entity = None
        if opened.tag == "pre" and opened.language and entity is not None:
            entity["language"] = opened.language
        if entity is not None:
            entities.append(entity)
    return i + 1


def _entity(opened: _Open, length: int) -> Entity | None:
    base: Entity = {"offset": opened.offset, "length": length}
    tag = opened.tag
    if tag in _SIMPLE:
        return {"type": _SIMPLE[tag], **base}
    if tag == "a":
        url = opened.url
        if url.startswith("tg://user?id="):
            uid = url[len("tg://user?id=") :]
            if uid.isdigit():
                return {
                    "type": "text_mention",
                    **base,
                    "user": {"id": int(uid), "is_bot": False, "first_name": ""},
                }
        if not url:
            return None
        return {"type": "text_link", **base, "url": url}
    if tag == "blockquote":
        return {"type": "expandable_blockquote" if opened.expandable else "blockquote", **base}
    if tag == "tg-emoji":
        if not opened.emoji_id:
            return None
        return {"type": "custom_emoji", **base, "custom_emoji_id": opened.emoji_id}
    return None


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip leading/trailing whitespace like Telegram, shifting and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    kept: list[Entity] = []
    for e in entities:
        start = max(0, e["offset"] - lead)
        stop = min(total, e["offset"] + e["length"] - lead)
        if stop > start:
            kept.append({**e, "offset": start, "length": stop - start})
    return stripped, kept


def render(
    text: str, parse_mode: str | None, entities: list[Entity] | None
) -> tuple[str, list[Entity]]:
    """Apply parse_mode (or explicit entities) to a text; returns (text as shown, entities)."""
    if parse_mode is not None and entities is None:
        mode = parse_mode.lower()
        try:
            if mode == "html":
                plain, ents = parse_html(text)
            elif mode == "markdownv2":
                from .markdown import parse_markdown_v2

                plain, ents = parse_markdown_v2(text)
            elif mode == "markdown":
                from .markdown import parse_markdown

                plain, ents = parse_markdown(text)
            elif mode == "":
                plain, ents = text, []
            else:
                raise bad_request("unsupported parse_mode")
        except ParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        return trim(plain, ents)
    return trim(text, list(entities or []))


def check_entities(entities: Any) -> list[Entity]:
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise bad_request("can't parse entities JSON object")
    for e in entities:
        if not isinstance(e.get("type"), str) or not isinstance(e.get("offset"), int):
            raise bad_request("can't parse entities JSON object")
        if not isinstance(e.get("length"), int):
            raise bad_request("can't parse entities JSON object")
    return entities


__all__ = [
    "ApiError",
    "Entity",
    "ParseError",
    "check_entities",
    "parse_html",
    "render",
    "trim",
    "utf16_len",
]
