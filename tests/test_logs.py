from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.logs import Redact, configure
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
