"""Telegram MarkdownV2 and legacy Markdown parse modes (the common subset, with Telegram's errors)."""

from __future__ import annotations

from .formatting import Entity, ParseError, utf16_len

_RESERVED_V2 = set("_*[]()~`>#+-=|{}.!")
_TOGGLES_V2 = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}


def _boff(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


class _Out:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += utf16_len(s)

    def text(self) -> str:
        return "".join(self.parts)


def _unterminated(text: str, begin: int) -> ParseError:
    return ParseError(f"Can't find end of the entity starting at byte offset {_boff(text, begin)}")


def _read_until(text: str, i: int, stop: str, escapable: str) -> tuple[str, int]:
    """Read until ``stop`` honouring backslash escapes of ``escapable``; returns (content, index of stop)."""
    chars: list[str] = []
    n = len(text)
    while i < n and not text.startswith(stop, i):
        if text[i] == "\\" and i + 1 < n and text[i + 1] in escapable:
            i += 1
        chars.append(text[i])
        i += 1
    if i >= n:
        raise ParseError("")
    return "".join(chars), i


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    out = _Out()
    entities: list[Entity] = []
    stack: list[tuple[str, int, int]] = []  # (type, utf16 offset, text index)
    quote_start: int | None = None
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        at_line_start = i == 0 or text[i - 1] == "\n"
        if at_line_start and ch == ">":
            if quote_start is None:
                quote_start = out.pos
            i += 1
            continue
        if at_line_start and quote_start is not None and i > 0:
            if out.pos - 1 > quote_start:
                entities.append(
                    {
                        "type": "blockquote",
                        "offset": quote_start,
                        "length": out.pos - 1 - quote_start,
                    }
                )
            quote_start = None
        if ch == "\\":
            if i + 1 < n and 0 < ord(text[i + 1]) < 127:
                out.add(text[i + 1])
                i += 2
                continue
            raise ParseError(
                "Character '\\' is reserved and must be escaped with the preceding '\\'"
            )
        if ch == "`":
            begin = i
            if text.startswith("```", i):
                j = text.find("\n", i + 3)
                stop = text.find("```", i + 3)
                language = ""
                if j != -1 and (stop == -1 or j < stop):
                    language = text[i + 3 : j]
                    i = j + 1
                else:
                    i += 3
                try:
                    content, i = _read_until(text, i, "```", "`\\")
                except ParseError:
                    raise _unterminated(text, begin) from None
                start = out.pos
                out.add(content)
                entity: Entity = {"type": "pre", "offset": start, "length": out.pos - start}
                if language:
                    entity["language"] = language
                if out.pos > start:
                    entities.append(entity)
                i += 3
                continue
            try:
                content, i = _read_until(text, i + 1, "`", "`\\")
            except ParseError:
                raise _unterminated(text, begin) from None
            start = out.pos
            out.add(content)
            if out.pos > start:
                entities.append({"type": "code", "offset": start, "length": out.pos - start})
            i += 1
            continue
        if ch == "[" or (ch == "!" and text.startswith("![", i)):
            stack.append(("text_link" if ch == "[" else "custom_emoji", out.pos, i))
            i += 1 if ch == "[" else 2
            continue
        if ch == "]" and stack and stack[-1][0] in ("text_link", "custom_emoji"):
            kind, start, begin = stack.pop()
            if not text.startswith("(", i + 1):
                raise _unterminated(text, begin)
            try:
                url, i = _read_until(text, i + 2, ")", ")\\")
            except ParseError:
                raise _unterminated(text, begin) from None
            i += 1
            if out.pos > start:
                if kind == "custom_emoji":
                    emoji_id = url.split("id=", 1)[-1]
                    entities.append(
                        {
                            "type": kind,
                            "offset": start,
                            "length": out.pos - start,
                            "custom_emoji_id": emoji_id,
                        }
                    )
                else:
                    entities.append(
                        {"type": kind, "offset": start, "length": out.pos - start, "url": url}
                    )
            continue
        marker = text[i : i + 2] if text[i : i + 2] in ("__", "||") else ch
        if marker in _TOGGLES_V2:
            kind = _TOGGLES_V2[marker]
            if stack and stack[-1][0] == kind:
                _, start, _b = stack.pop()
                if out.pos > start:
                    entities.append({"type": kind, "offset": start, "length": out.pos - start})
            else:
                stack.append((kind, out.pos, i))
            i += len(marker)
            continue
        if ch in _RESERVED_V2:
            raise ParseError(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        out.add(ch)
        i += 1
    if quote_start is not None and out.pos > quote_start:
        entities.append(
            {"type": "blockquote", "offset": quote_start, "length": out.pos - quote_start}
        )
    if stack:
        raise _unterminated(text, stack[-1][2])
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.text(), entities


_TOGGLES_V1 = {"*": "bold", "_": "italic"}


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting."""
    out = _Out()
    entities: list[Entity] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if ch in _TOGGLES_V1 or ch == "`":
            begin = i
            stop = "```" if text.startswith("```", i) else ch
            i += len(stop)
            end = text.find(stop, i)
            if end == -1:
                raise _unterminated(text, begin)
            content = text[i:end]
            language = ""
            if stop == "```" and "\n" in content:
                first, rest = content.split("\n", 1)
                if first and " " not in first:
                    language, content = first, rest
            start = out.pos
            out.add(content)
            kind = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}[stop]
            if out.pos > start:
                entity: Entity = {"type": kind, "offset": start, "length": out.pos - start}
                if language:
                    entity["language"] = language
                entities.append(entity)
            i = end + len(stop)
            continue
        if ch == "[":
            close = text.find("](", i)
            end = text.find(")", close + 2) if close != -1 else -1
            if close == -1 or end == -1:
                raise _unterminated(text, i)
            start = out.pos
            out.add(text[i + 1 : close])
            if out.pos > start:
                entities.append(
                    {
                        "type": "text_link",
                        "offset": start,
                        "length": out.pos - start,
                        "url": text[close + 2 : end],
                    }
                )
            i = end + 1
            continue
        out.add(ch)
        i += 1
    return out.text(), entities
