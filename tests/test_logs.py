from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.logs import QUIET, Allowlist, Redact, configure, secrets_of
from storage.db import Database


def test_token_and_phone_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redact")
    logger.addFilter(Redact())
    with caplog.at_level(logging.INFO, logger="test.redact"):
        logger.info(
            "POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/x %s",
            "+34 612 345 678",
        )
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in caplog.text
    assert "612 345 678" not in caplog.text
    assert "[token]" in caplog.text and "[phone]" in caplog.text


def test_a_logged_exception_shows_neither_token_nor_typed_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    typed = "".join(["she cried ", "about the flat"])  # not in the source as one piece
    try:
        # Another handler first (pytest's own): it formats the traceback in full.
        configure("INFO")
        try:
            raise RuntimeError(f"The token `{token}` was rejected; note: {typed}")
        except RuntimeError:
            logging.getLogger("test.configured").exception("start-up failed")
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
    err = capsys.readouterr().err
    assert "start-up failed" in err and "RuntimeError (message withheld)" in err
    assert token not in err and typed not in err


def test_configure_quietens_url_logging_libraries() -> None:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        configure("DEBUG")
        assert logging.getLogger("httpx").level == logging.WARNING
        assert any(isinstance(f, Redact) for h in root.handlers for f in h.filters)
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers


async def test_a_database_error_does_not_carry_what_people_typed(db: Database) -> None:
    note = "Amal is afraid of losing the flat"
    with pytest.raises(DBAPIError) as caught:
        async with db.transaction() as session:
            await session.execute(text("SELECT :note FROM no_such_table"), {"note": note})
    assert "no_such_table" in str(caught.value)
    assert note not in str(caught.value)


def test_tracebacks_withhold_the_exception_message() -> None:
    from bot.logs import Formatter

    typed = "".join(["Amina Haddad, ", "+34 612 345 678, ", "she cried"])  # not in the source
    try:
        raise ValueError(typed)
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "failed", None, exc_info=__import__("sys").exc_info()
        )
    text = Formatter("%(message)s").format(record)
    assert "ValueError (message withheld)" in text and "test_logs.py" in text
    assert typed not in text and "she cried" not in text


@pytest.fixture
def configured() -> Iterator[None]:
    """The project's set-up at DEBUG, put back afterwards."""
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), logging.getLogRecordFactory())
    levels = {n: logging.getLogger(n).level for n in (*QUIET, "apscheduler", "some.library")}
    try:
        configure(
            "DEBUG", secrets=["123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "hook-Secret_1"]
        )
        yield
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        logging.setLogRecordFactory(saved[2])
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_known_secrets_are_scrubbed_for_every_handler(
    configured: None, caplog: pytest.LogCaptureFixture
) -> None:
    # pytest's own handler, not the project's: the record itself is scrubbed where it is made
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("bot.example").info(
            "url %s header %s",
            "https://x/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/",
            "hook-Secret_1",
        )
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in caplog.text
    assert "hook-Secret_1" not in caplog.text and "[secret]" in caplog.text


def test_bot_api_calls_keep_their_method_and_ids_and_lose_their_text(
    configured: None, caplog: pytest.LogCaptureFixture
) -> None:
    log = logging.getLogger("telegram.ext.ExtBot")
    with caplog.at_level(logging.DEBUG):
        log.debug(
            "Calling Bot API endpoint `%s` with parameters `%s`",
            "sendMessage", {"chat_id": 42, "text": "Amina Haddad is afraid", "message_id": 7},
        )  # fmt: skip
        log.debug(
            "Call to Bot API endpoint `%s` finished with return value `%s`",
            "sendMessage", {"message_id": 9, "chat": {"id": 42, "first_name": "Amina"}, "text": "x"},
        )  # fmt: skip
        logging.getLogger("telegram.ext.Application").debug("Something about %s", "Amina")
    text = caplog.text
    assert "Amina" not in text and "afraid" not in text
    assert "`sendMessage` with parameters {chat_id=42, text, message_id=7}" in text
    assert "message_id=9, chat_id=42" in text and " ms: " in text


def test_sql_and_unknown_libraries_stay_quiet(configured: None) -> None:
    for name in QUIET:
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING, name
    allow = Allowlist()
    make = logging.getLogRecordFactory()
    record = make("some.library", logging.INFO, __file__, 1, "value %s", ("Amina",), None)
    assert not allow.filter(record)
    warning = make("some.library", logging.WARNING, __file__, 1, "value %s", ("Amina",), None)
    assert allow.filter(warning) and "Amina" not in warning.getMessage()
    own = make("bot.delivery", logging.DEBUG, __file__, 1, "outbox %d sent", (5,), None)
    assert allow.filter(own) and own.getMessage() == "outbox 5 sent"


def test_secrets_are_read_from_the_settings() -> None:
    from bot.config import Settings

    settings = Settings(
        token="123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",  # type: ignore[arg-type]
        webhook_secret="hook-Secret_1",  # type: ignore[arg-type]
        database_url="postgresql+asyncpg://bot:pa55word@127.0.0.1/db",
    )
    assert secrets_of(settings) == [
        "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "hook-Secret_1", "pa55word",
    ]  # fmt: skip
