"""The scrubber of known secrets (the token, the webhook secret, the database password, any
bot token or phone number by their shape), run over every record."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_PHONE = re.compile(r"\+\d[\d ()-]{7,}\d")
_SECRET_HEADER = re.compile(r"(?i)(secret[_-]token['\"]?\s*[:=]\s*['\"]?)[A-Za-z0-9_-]+")


class Scrubber:
    """Masks the known secrets, and anything shaped like a bot token or a phone number."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        found: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            found.add(secret)
            if ":" in secret and _TOKEN.fullmatch(secret):
                found.add(secret.split(":", 1)[1])  # the token's secret half, on its own
        # Longest first, so that a token is masked whole before its half is looked for.
        self.secrets = sorted((s for s in found if len(s) >= 6), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, "[secret]")
        text = _TOKEN.sub("[token]", text)
        text = _SECRET_HEADER.sub(r"\1[secret]", text)
        return _PHONE.sub("[phone]", text)


def _mask(text: str) -> str:
    return Scrubber()(text)


def secrets_of(settings: Any) -> list[str]:
    """The secrets a settings object holds: the token, the webhook secret, the encryption
    keys, the database password."""
    found: list[str] = []
    for name in ("token", "webhook_secret", "encryption_key"):
        value = getattr(settings, name, None)
        if value is not None:
            value = value.get_secret_value() if hasattr(value, "get_secret_value") else value
            found.extend(part for part in re.split(r"[\s,]+", str(value)) if part)
    url = getattr(settings, "database_url", None)
    if isinstance(url, str):
        match = re.match(r"^[^:]+://[^:/@]+:([^@]+)@", url)
        if match:
            found.append(match.group(1))
    return [s for s in found if s]
