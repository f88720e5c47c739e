from __future__ import annotations

import logging

import pytest

from bot.logs import Redact, configure


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


def test_configure_quietens_url_logging_libraries() -> None:
    configure("DEBUG")
    assert logging.getLogger("httpx").level == logging.WARNING
    assert any(isinstance(f, Redact) for h in logging.getLogger().handlers for f in h.filters)
