"""Settings: read from the environment and `.env`, and bad ones stop start-up with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import TELEGRAM_API_URL, SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("MENTORBOT_")]:
        monkeypatch.delenv(name)
    return monkeypatch


def test_defaults(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.token is None
    assert settings.api_base == TELEGRAM_API_URL
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.bot_username is None
    assert settings.webhook_url is None and settings.webhook_port == 8443


def test_the_default_database_is_in_the_working_directory_at_load_time(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        clean_env.chdir(tmp_path / name)
        expected = f"sqlite+aiosqlite:///{tmp_path / name / 'mentorbot.sqlite3'}"
        assert load_settings().database_url == expected


def test_environment_and_dotenv(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "MENTORBOT_TOKEN=123:abc\nMENTORBOT_BOT_USERNAME=casal_bot\n"
        "MENTORBOT_DATABASE_URL=postgresql+asyncpg://u@db/mentorbot\n"
    )
    clean_env.setenv("MENTORBOT_API_URL", "http://127.0.0.1:8081/")
    settings = load_settings()
    assert settings.require_token() == "123:abc"
    assert settings.bot_username == "casal_bot"
    assert settings.database_url == "postgresql+asyncpg://u@db/mentorbot"
    assert settings.api_base == "http://127.0.0.1:8081"  # the environment, no trailing slash


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MENTORBOT_API_URL", "not a url"),
        ("MENTORBOT_WEBHOOK_URL", "ftp//nowhere"),
        ("MENTORBOT_DATABASE_URL", "mysql://localhost/db"),
        ("MENTORBOT_WEBHOOK_PORT", "70000"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(
    clean_env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    clean_env.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert message.startswith(f"{name}: ") and "\n" not in message


def test_a_missing_token_is_one_line(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings().require_token()
    assert "MENTORBOT_TOKEN is not set" in str(error.value)
    clean_env.setenv("MENTORBOT_TOKEN", "   ")
    with pytest.raises(SettingsError):
        load_settings().require_token()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "mentorbot: MENTORBOT_TOKEN is not set"),
        ({"MENTORBOT_TOKEN": "1:x", "MENTORBOT_API_URL": "nope"}, "mentorbot: MENTORBOT_API_URL:"),
    ],
)
def test_start_up_stops_with_one_line_and_no_traceback(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MENTORBOT_")}
    clean["MENTORBOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
    clean["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), done.stderr
    assert "Traceback" not in done.stderr


def test_secrets_never_show_and_dotenv_leaves_the_environment_alone(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "MENTORBOT_TOKEN=123:from-dotenv\nMENTORBOT_WEBHOOK_SECRET=s3cr3t\n"
        "MENTORBOT_TICK_SECONDS=5\n"
    )
    clean_env.setenv("MENTORBOT_TICK_SECONDS", "7.5")  # the environment wins over .env
    settings = load_settings()
    assert settings.tick_seconds == 7.5 and settings.require_token() == "123:from-dotenv"
    assert "MENTORBOT_TOKEN" not in os.environ  # read, not exported to child processes
    for shown in (repr(settings), str(settings), f"{settings.token}", repr(settings.token)):
        assert "123:from-dotenv" not in shown and "s3cr3t" not in shown
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == "s3cr3t"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("MENTORBOT_TICK_SECONDS", "0", "> 0"),
        ("MENTORBOT_RATE_OVERALL", "fast", "float"),
        ("MENTORBOT_HEALTH_PORT", "-1", ">= 0"),
        ("MENTORBOT_API_URL", "http://", "URL"),
        ("MENTORBOT_ENCRYPTION_KEY", "short", "MENTORBOT_ENCRYPTION_KEY: "),
    ],
)
def test_a_bad_value_says_what_is_wrong(
    clean_env: pytest.MonkeyPatch, name: str, value: str, words: str
) -> None:
    clean_env.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(f"{name}: ") and words in str(error.value)


def test_the_health_port_may_be_zero_and_a_typed_copy_is_checked(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("MENTORBOT_HEALTH_PORT", "0")
    settings = load_settings()
    assert settings.health_port == 0
    copy = settings.replaced(token="9:z", tick_seconds=3.0)
    assert copy.require_token() == "9:z" and copy.tick_seconds == 3.0
    assert settings.token is None  # the original is unchanged
    with pytest.raises(ValueError, match="database_url"):
        settings.replaced(database_url="mysql://x/y")
