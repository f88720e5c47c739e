"""The settings file (`.env`): read it, and change only the lines that changed, written whole
to a file of mode 0600."""

from __future__ import annotations

import base64
import os
import secrets
import shlex
from collections.abc import Mapping
from pathlib import Path

KEY_WARNING = (
    "# MENTORBOT_ENCRYPTION_KEY encrypts the data at rest. Keep a copy of it somewhere safe\n"
    "# (a password manager, a sealed envelope): if it is lost, the data is lost with it.\n"
)


def read_settings_file(path: Path) -> tuple[list[str], dict[str, str]]:
    from dotenv import dotenv_values

    if not path.exists():
        return [], {}
    values = {k: v for k, v in dotenv_values(path).items() if v is not None}
    return path.read_text(encoding="utf-8").splitlines(), values


def _quoted(value: str) -> str:
    return value if all(c.isalnum() or c in ":/._-+@=,?&%" for c in value) else shlex.quote(value)


def write_settings_file(path: Path, lines: list[str], changes: Mapping[str, str]) -> bool:
    """Replace or add `KEY=value` lines, keeping every other line as it was; written whole to
    a new file of mode 0600 that takes the old one's place. False when nothing changed."""
    out, done = [], set()
    for line in lines:
        key = line.split("=", 1)[0].strip().removeprefix("export ").strip()
        if key in changes and "=" in line and not line.lstrip().startswith("#"):
            out.append(f"{key}={_quoted(changes[key])}")
            done.add(key)
        else:
            out.append(line)
    for key, value in changes.items():
        if key not in done:
            if key == "MENTORBOT_ENCRYPTION_KEY":
                out.extend(KEY_WARNING.rstrip("\n").splitlines())
            out.append(f"{key}={_quoted(value)}")
    if out == lines and path.exists():
        os.chmod(path, 0o600)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(out) + "\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return True


def new_encryption_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
