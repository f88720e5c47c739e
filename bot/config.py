"""Typed settings, read once at start from the environment and an optional `.env`.

`MENTORBOT_<NAME>` in the environment sets the field `<name>`; a `.env` file in the working
directory fills what the environment leaves unset. msgspec turns the texts into typed values
(numbers, paths, bounds) and says which one is wrong; python-dotenv reads `.env`. Both are
small: the settings cost the bot's memory a fraction of a MiB."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec
from dotenv import dotenv_values

from storage.crypto import CryptoError, Keyring

TELEGRAM_API_URL = "https://api.telegram.org"
PREFIX = "MENTORBOT_"


class SettingsError(Exception):
    """Settings that cannot start the bot; the message is one line for the operator."""


class Secret:
    """A text that never shows in a repr, a str() or a log line (the token, a key)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class _Invalid(ValueError):
    """A field's value is refused: `field` names it (also at the start of the message, which
    is all that is left of it once msgspec has wrapped it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
OptionalPort = Annotated[int, msgspec.Meta(ge=0, le=65535)]
Positive = Annotated[float, msgspec.Meta(gt=0)]


def _default_database() -> str:
    return f"sqlite+aiosqlite:///{Path.cwd() / 'mentorbot.sqlite3'}"


def _default_erasure_log() -> Path:
    return Path.cwd() / "erasures.log"


class Settings(msgspec.Struct, kw_only=True):
    """Every setting, with its default. Built by `load_settings` (texts from the environment,
    checked) or directly with typed values (tests, the demo)."""

    token: Secret | None = None  # bot token from @BotFather
    # SQLAlchemy async URL (sqlite+aiosqlite:/// or postgresql+asyncpg://)
    database_url: str = msgspec.field(default_factory=_default_database)
    api_url: str = TELEGRAM_API_URL  # Bot API base URL
    webhook_url: str | None = None  # public HTTPS URL
    webhook_secret: Secret | None = None  # secret token header
    webhook_listen: str = "127.0.0.1"
    webhook_port: Port = 8443
    health_listen: str = "127.0.0.1"  # address of /healthz and /metrics (keep it private)
    health_port: OptionalPort = 9464  # 0 turns it off
    tick_seconds: Positive = 20.0  # scheduler tick interval
    rate_overall: Positive = 25.0  # messages a second, overall
    rate_per_chat: Positive = 1.0  # messages a second, per chat
    log_level: str = "INFO"
    bot_username: str | None = None  # the bot's @username, for invitation links (else getMe)
    # where erasures are logged by person id, to re-apply after a restore
    erasure_log: Path = msgspec.field(default_factory=_default_erasure_log)
    # urlsafe base64 of 32 random bytes; several, comma-separated, while a rotation runs (the
    # first encrypts)
    encryption_key: Secret | None = None
    encryption_key_file: Path | None = None  # a file holding the key(s), one a line

    def __post_init__(self) -> None:
        # Typed values given directly (tests, the demo) are taken as they are; texts are
        # turned into what the fields hold.
        for name in ("token", "webhook_secret", "encryption_key"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, Secret(value))
        for name in ("erasure_log", "encryption_key_file"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, Path(value))
        if not self.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise _Invalid(
                "database_url", "must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        _check_url("api_url", self.api_url)
        if self.webhook_url is not None:
            _check_url("webhook_url", self.webhook_url)
        if self.encryption_key is not None and self.encryption_key.get_secret_value().strip():
            try:
                Keyring.of([self.encryption_key.get_secret_value()])
            except CryptoError as exc:
                raise _Invalid("encryption_key", str(exc)) from None

    def keyring(self) -> Keyring | None:
        """The encryption keys (None: free texts are stored plain). The key file's keys come
        after the environment's."""
        texts: list[str] = []
        if self.encryption_key is not None:
            texts.append(self.encryption_key.get_secret_value())
        if self.encryption_key_file is not None:
            try:
                texts.append(self.encryption_key_file.read_text(encoding="utf-8"))
            except OSError as exc:
                raise SettingsError(
                    f"MENTORBOT_ENCRYPTION_KEY_FILE cannot be read ({exc.strerror})"
                ) from None
        if not any(t.strip() for t in texts):
            if self.encryption_key_file is not None:
                raise SettingsError("MENTORBOT_ENCRYPTION_KEY_FILE holds no key")
            return None
        try:
            return Keyring.of(texts)
        except CryptoError as exc:
            name = (
                "MENTORBOT_ENCRYPTION_KEY_FILE"
                if self.encryption_key_file
                else "MENTORBOT_ENCRYPTION_KEY"
            )
            raise SettingsError(f"{name}: {exc}") from None

    def replaced(self, **changes: object) -> Settings:
        """A copy with `changes`, checked and turned into typed values as at construction."""
        return Settings(**{**msgspec.structs.asdict(self), **changes})  # type: ignore[arg-type]

    @property
    def api_base(self) -> str:
        return self.api_url.rstrip("/")

    def require_token(self) -> str:
        if self.token is None or not self.token.get_secret_value().strip():
            raise SettingsError(
                "MENTORBOT_TOKEN is not set: put the bot token from @BotFather in the "
                "environment or in .env"
            )
        return self.token.get_secret_value().strip()


def _check_url(field: str, value: str) -> None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (a port out of range raises here)
    except ValueError:
        raise _Invalid(field, "is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise _Invalid(field, "must be an http:// or https:// URL with a host")


def _decode(kind: type, value: Any) -> Any:
    if kind is Secret and isinstance(value, str):
        return Secret(value)
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError


_AT = re.compile(r" - at `\$\.(\w+)`$")
_OWN = re.compile(r"^(\w+): (.*)$")


def load_settings(**overrides: object) -> Settings:
    """Read settings: the environment, then `.env` for what it leaves unset, then
    `overrides`; a bad value stops with one line naming it."""
    names = set(Settings.__struct_fields__)
    found: dict[str, Any] = {}
    dotenv = Path.cwd() / ".env"
    if dotenv.is_file():
        found.update(_ours(dotenv_values(dotenv, encoding="utf-8"), names))
    found.update(_ours(os.environ, names))
    found.update(overrides)
    try:
        return msgspec.convert(found, Settings, strict=False, dec_hook=_decode)
    except msgspec.ValidationError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "invalid"
        if at := _AT.search(message):  # a type or a bound: msgspec names the field
            raise SettingsError(f"{PREFIX}{at.group(1).upper()}: {_AT.sub('', message)}") from None
        if own := _OWN.match(message):  # refused in __post_init__: _Invalid named it
            raise SettingsError(f"{PREFIX}{own.group(1).upper()}: {own.group(2)}") from None
        raise SettingsError(f"settings: {message}") from None


def _ours(values: Any, names: set[str]) -> dict[str, str]:
    """The `MENTORBOT_` values among `values`, by field name (unknown ones are ignored)."""
    found: dict[str, str] = {}
    for key, value in values.items():
        if value is None or not key.upper().startswith(PREFIX):
            continue
        name = key[len(PREFIX) :].lower()
        if name in names:
            found[name] = value
    return found
