"""Text as Telegram counts it, and text as people count it.

Telegram measures message texts, captions and entity offsets in UTF-16 code units (an emoji
outside the Basic Multilingual Plane is two; a family emoji joined with ZWJ is eleven) and
callback data in UTF-8 bytes. People count what they see: a flag, a family emoji or a letter
with its accents is one character (a grapheme cluster, `regex`'s `\\X`). Limits here are kept
in Telegram's units; messages to people say how many *graphemes* to remove.

`clean` is applied once, where text enters the bot (a typed message, a caption, a CLI
argument, an imported cell): NUL and the other C0 controls but newline and tab are removed
(a carriage return becomes a newline) and the text is normalised to NFC. ZWNJ/ZWJ, variation
selectors and bidi marks are kept: Persian and emoji need them.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import regex

from bot.services.errors import Invalid

MESSAGE_MAX = 4096  # UTF-16 units of a message text, after entity parsing
CAPTION_MAX = 1024  # UTF-16 units of a caption
CALLBACK_DATA_MAX = 64  # UTF-8 bytes
ELLIPSIS = "…"

_GRAPHEME = regex.compile(r"\X")
_CONTROLS = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINES = regex.compile(r"\r\n?")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts texts, captions and entities."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def utf8_len(text: str) -> int:
    """Length in bytes, as Telegram counts callback data."""
    return len(text.encode("utf-8"))


def graphemes(text: str) -> list[str]:
    """The characters a person would count (extended grapheme clusters)."""
    return _GRAPHEME.findall(text)


def clean(text: str) -> str:
    """Text as the bot stores it: no C0 controls but newline and tab, NFC."""
    text = _NEWLINES.sub("\n", text)
    text = _CONTROLS.sub("", text)
    return unicodedata.normalize("NFC", text)


def excess(text: str, limit: int) -> int:
    """How many graphemes must go from the end of `text` for it to fit in `limit` UTF-16
    units (0 when it fits)."""
    over = utf16_len(text) - limit
    if over <= 0:
        return 0
    count = 0
    for cluster in reversed(graphemes(text)):
        count += 1
        over -= utf16_len(cluster)
        if over <= 0:
            break
    return count


class TooLong(Invalid):
    """A typed text over its limit; `excess` graphemes must go."""

    def __init__(self, code: str, limit: int, excess: int) -> None:
        super().__init__(code, f"over {limit} UTF-16 units by {excess} graphemes")
        self.limit = limit
        self.excess = excess


def check(text: str, limit: int, code: str = "too_long") -> str:
    """`text` if it fits in `limit` UTF-16 units, else `TooLong`."""
    if utf16_len(text) > limit:
        raise TooLong(code, limit, excess(text, limit))
    return text


def clip(text: str, limit: int, mark: str = ELLIPSIS) -> str:
    """`text` cut to at most `limit` UTF-16 units, never inside a grapheme (so never inside
    a surrogate pair), ending with `mark` when cut."""
    if utf16_len(text) <= limit:
        return text
    budget = limit - utf16_len(mark)
    out: list[str] = []
    used = 0
    for cluster in graphemes(text):
        size = utf16_len(cluster)
        if used + size > budget:
            break
        out.append(cluster)
        used += size
    return "".join(out).rstrip() + mark


def chunks(text: str, limit: int = MESSAGE_MAX) -> list[str]:
    """`text` in pieces of at most `limit` UTF-16 units, cut between graphemes (at a line
    break when one is near)."""
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for cluster in graphemes(text):
        size = utf16_len(cluster)
        if used + size > limit and current:
            piece = "".join(current)
            cut = piece.rfind("\n")
            if cut > len(piece) // 2:
                pieces.append(piece[:cut])
                current, used = [piece[cut + 1 :]], utf16_len(piece[cut + 1 :])
            else:
                pieces.append(piece)
                current, used = [], 0
        current.append(cluster)
        used += size
    if current:
        pieces.append("".join(current))
    return [p for p in pieces if p.strip()]


# --- HTML the bot renders ----------------------------------------------------------------


@dataclass(frozen=True)
class Fitted:
    text: str
    clipped: bool  # the person's text was cut: offer the whole of it


def fit(render: Callable[[str], str], body: str, limit: int = MESSAGE_MAX) -> Fitted:
    """`render(body)`, an HTML card around a person's text, made to fit in `limit` visible
    UTF-16 units by cutting `body` (between graphemes, with an ellipsis) rather than failing
    the send. Whatever else is too long (very long names) is cut at the end."""
    text = render(body)
    over = visible_len(text) - limit
    if over <= 0:
        return Fitted(text, False)
    keep = max(utf16_len(body) - over, 0)
    return Fitted(html_clip(render(clip(body, keep)), limit), True)


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.units = 0

    def handle_data(self, data: str) -> None:
        self.units += utf16_len(data)


def visible_len(markup: str) -> int:
    """UTF-16 length of an HTML message as Telegram counts it: after entity parsing."""
    parser = _Visible()
    parser.feed(markup)
    parser.close()
    return parser.units


class _Clipper(HTMLParser):
    def __init__(self, budget: int) -> None:
        super().__init__(convert_charrefs=True)
        self.budget = budget
        self.out: list[str] = []
        self.open: list[str] = []
        self.full = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.full:
            return
        rendered = "".join(f' {k}="{html.escape(v or "")}"' for k, v in attrs)
        self.out.append(f"<{tag}{rendered}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.full:
            return
        self.out.append(f"</{tag}>")
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag)]

    def handle_data(self, data: str) -> None:
        if self.full:
            return
        size = utf16_len(data)
        if size <= self.budget:
            self.out.append(html.escape(data, quote=False))
            self.budget -= size
            return
        self.out.append(html.escape(clip(data, self.budget, ""), quote=False))
        self.full = True


def html_clip(markup: str, limit: int, mark: str = ELLIPSIS) -> str:
    """An HTML message cut so that its visible text is at most `limit` UTF-16 units, with
    `mark` at the cut and every open tag closed. Unchanged when it fits."""
    if visible_len(markup) <= limit:
        return markup
    parser = _Clipper(limit - utf16_len(mark))
    parser.feed(markup)
    parser.close()
    closing = "".join(f"</{tag}>" for tag in reversed(parser.open))
    return "".join(parser.out).rstrip() + mark + closing
