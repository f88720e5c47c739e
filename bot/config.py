"""Typed settings, read once at start from the environment and an optional `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.crypto import CryptoError, Keyring

TELEGRAM_API_URL = "https://api.telegram.org"


class SettingsError(Exception):
    """Settings that cannot start the bot; the message is one line for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MENTORBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: SecretStr | None = Field(default=None, description="Bot token from @BotFather")
    database_url: str = Field(
        default_factory=lambda: f"sqlite+aiosqlite:///{Path.cwd() / 'mentorbot.sqlite3'}",
        description="SQLAlchemy async URL (sqlite+aiosqlite:/// or postgresql+asyncpg://)",
    )
    api_url: AnyHttpUrl = Field(
        default=AnyHttpUrl(TELEGRAM_API_URL), description="Bot API base URL"
    )
    webhook_url: AnyHttpUrl | None = Field(default=None, description="Public HTTPS URL")
    webhook_secret: SecretStr | None = Field(default=None, description="Secret token header")
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    health_listen: str = Field(
        default="127.0.0.1", description="Address of /healthz and /metrics (keep it private)"
    )
    health_port: int = Field(default=9464, ge=0, le=65535, description="0 turns it off")
    tick_seconds: float = Field(default=20.0, gt=0, description="Scheduler tick interval")
    rate_overall: float = Field(default=25.0, gt=0, description="Messages a second, overall")
    rate_per_chat: float = Field(default=1.0, gt=0, description="Messages a second, per chat")
    log_level: str = "INFO"
    bot_username: str | None = Field(
        default=None, description="The bot's @username, for invitation links (else getMe)"
    )
    erasure_log: Path = Field(
        default_factory=lambda: Path.cwd() / "erasures.log",
        description="Where erasures are logged by person id, to re-apply after a restore",
    )
    encryption_key: SecretStr | None = Field(
        default=None,
        description="urlsafe base64 of 32 random bytes; several, comma-separated, while a "
        "rotation runs (the first encrypts)",
    )
    encryption_key_file: Path | None = Field(
        default=None, description="A file holding the key(s), one a line (the first encrypts)"
    )

    @field_validator("encryption_key")
    @classmethod
    def _key_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip():
            try:
                Keyring.of([value.get_secret_value()])
            except CryptoError as exc:
                raise ValueError(str(exc)) from None
        return value

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

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @property
    def api_base(self) -> str:
        return str(self.api_url).rstrip("/")

    def require_token(self) -> str:
        if self.token is None or not self.token.get_secret_value().strip():
            raise SettingsError(
                "MENTORBOT_TOKEN is not set: put the bot token from @BotFather in the "
                "environment or in .env"
            )
        return self.token.get_secret_value().strip()


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "MENTORBOT_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None
