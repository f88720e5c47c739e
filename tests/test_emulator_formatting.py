"""Telegram's text formatting as the emulator parses it (HTML, MarkdownV2, lengths)."""

from __future__ import annotations

import pytest

from emulator.errors import ApiError
from emulator.formatting import ParseError, parse_html, render, utf16_len
from emulator.markdown import parse_markdown, parse_markdown_v2


def test_html_tags_and_entities() -> None:
    text, entities = parse_html(
        "<b>bold</b> <strong>s</strong> <i>i</i><em>e</em> <u>u</u><ins>n</ins> <s>s</s><strike>k</strike><del>d</del> "
        '<a href="https://example.org/?a=1&amp;b=2">link</a> <tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span> '
        '<code>c</code> <pre><code class="language-python">p</code></pre> <blockquote expandable>q</blockquote> '
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &lt;&gt;&amp;&quot; &#65;&#x42; &nbsp; &copy'
    )
    assert text == 'bold s ie un skd link xy c p q 👍 <>&" AB &nbsp; &copy'
    types = [e["type"] for e in entities]
    assert types == [
        "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough", "strikethrough",
        "strikethrough", "text_link", "spoiler", "spoiler", "code", "pre", "expandable_blockquote", "custom_emoji",
    ]  # fmt: skip
    link = entities[9]
    assert (
        link["url"] == "https://example.org/?a=1&b=2"
        and text[link["offset"] : link["offset"] + 4] == "link"
    )
    pre = next(e for e in entities if e["type"] == "pre")
    assert pre["language"] == "python"
    assert entities[-1]["custom_emoji_id"] == "5368324170671202286"


def test_html_offsets_are_utf16() -> None:
    text, entities = parse_html("😀 <b>é😀</b>")
    assert text == "😀 é😀"
    assert entities == [{"type": "bold", "offset": 3, "length": 3}]
    assert utf16_len(text) == 6


def test_nested_and_case_insensitive_tags() -> None:
    text, entities = parse_html("<B>a<I>b</I></B>")
    assert text == "ab"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 1, "length": 1},
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<a href="x>y', "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<b x>y</b>",
            'Expected equal sign in declaration of an attribute of the tag "b" at byte offset 0',
        ),
        ("<i><b>x</i></b>", 'Unmatched end tag at byte offset 7, expected "</b>", found "</i>"'),
        ("ünï <u>x", 'Can\'t find end tag corresponding to start tag "u"'),
        ("ü</b>", "Unexpected end tag at byte offset 2"),
    ],
)
def test_html_errors(source: str, message: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_html(source)
    assert str(err.value) == message


def test_render_trims_and_reports_api_errors() -> None:
    assert render("  <b>hi</b>  ", "HTML", None) == (
        "hi",
        [{"type": "bold", "offset": 0, "length": 2}],
    )
    assert render(" plain ", None, None) == ("plain", [])
    with pytest.raises(ApiError) as err:
        render("<x>", "HTML", None)
    assert (
        err.value.description
        == 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0'
    )
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        render("x", "BBCode", None)


def test_markdown_v2() -> None:
    text, entities = parse_markdown_v2(
        r"*bold* _it_ __under__ ~gone~ ||spoil|| `co\`de` [link](https://x.org/\)) 1\.5"
    )
    assert text == "bold it under gone spoil co`de link 1.5"
    assert [e["type"] for e in entities] == [
        "bold", "italic", "underline", "strikethrough", "spoiler", "code", "text_link",
    ]  # fmt: skip
    assert entities[-1]["url"] == "https://x.org/)"
    text, entities = parse_markdown_v2("```python\nprint(1)\n```")
    assert text == "print(1)\n" and entities[0]["language"] == "python"
    with pytest.raises(
        ParseError, match=r"Character '\.' is reserved and must be escaped with the preceding '\\'"
    ):
        parse_markdown_v2("1.5")
    with pytest.raises(ParseError, match="Can't find end of the entity starting at byte offset 2"):
        parse_markdown_v2("a *b")


def test_markdown_legacy() -> None:
    text, entities = parse_markdown("*b* _i_ `c` [l](http://x) 1.5!")
    assert text == "b i c l 1.5!"
    assert [e["type"] for e in entities] == ["bold", "italic", "code", "text_link"]
    with pytest.raises(ParseError):
        parse_markdown("*open")
