"""The demo page draws a message from its text and entities, as a Telegram client does: only
Telegram's formatting tags come out; everything else is text."""

from __future__ import annotations

import re

import pytest

from bot.demo.render import ALLOWED_TAGS, telegram_html
from emulator.formatting import parse_html


def rendered(source: str) -> str:
    text, entities = parse_html(source)
    return telegram_html(text, entities)


def tags(html: str) -> set[str]:
    return {m.lower() for m in re.findall(r"</?([a-zA-Z][\w-]*)", html)}


def test_formatting_comes_out_as_telegram_tags() -> None:
    html = rendered(
        "<b>Bold <i>and italic</i></b> <u>u</u> <s>s</s> <tg-spoiler>secret</tg-spoiler> "
        '<code>x = 1</code> <pre><code class="language-python">print()</code></pre>'
        '<blockquote>quoted</blockquote> <a href="https://example.org/a?b=1&amp;c=2">link</a>'
    )
    assert "<b>Bold <i>and italic</i></b>" in html
    assert "<u>u</u>" in html and "<s>s</s>" in html
    assert "<tg-spoiler>secret</tg-spoiler>" in html
    assert "<code>x = 1</code>" in html
    assert '<pre data-language="python">print()</pre>' in html
    assert "<blockquote>quoted</blockquote>" in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html
    assert tags(html) <= ALLOWED_TAGS


@pytest.mark.parametrize(
    "source",
    [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="data:text/html,hi">click</a>',
        "<b>&lt;iframe&gt;</b>",
    ],
)
def test_nothing_else_gets_through(source: str) -> None:
    html = rendered(source)
    assert tags(html) <= ALLOWED_TAGS
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "javascript:" not in html and "data:" not in html.replace("data-", "")


def test_offsets_are_utf16_code_units() -> None:
    # An emoji outside the BMP counts two units; Arabic and isolates one each.
    text = "😀 \u2068أمل\u2069 مرحبا"
    start = len("😀 \u2068أمل\u2069 ".encode("utf-16-le")) // 2
    html = telegram_html(text, [{"type": "bold", "offset": start, "length": 5}])
    assert html == "😀 \u2068أمل\u2069 <b>مرحبا</b>"


def test_commands_and_addresses_become_links() -> None:
    html = telegram_html("Send /help or see https://example.org. a/b is not one.", [])
    assert '<a href="#" class="tg-command" data-command="/help">/help</a>' in html
    assert '<a href="https://example.org" target="_blank"' in html
    assert "a/b is not one" in html


def test_broken_entities_are_ignored() -> None:
    html = telegram_html(
        "abc<",
        [
            {"type": "bold", "offset": 10, "length": 2},
            {"type": "italic", "offset": "x", "length": 1},
            {"type": "underline"},
            {"type": "code", "offset": 1, "length": 0},
        ],
    )
    assert html == "abc&lt;"


def test_a_block_ends_its_line() -> None:
    html = rendered("Before\n<blockquote>quoted</blockquote>\nafter")
    assert html == "Before\n<blockquote>quoted</blockquote>after"
