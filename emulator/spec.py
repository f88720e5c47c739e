"""The Bot API description (methods and their parameters) and parameter checking."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import bad_request
from .files import UploadedFile

SPEC_PATH = Path(__file__).with_name("bot_api.json")
_INT_RE = re.compile(r"-?\d+\Z")

# Realistic wording for some missing required parameters; others get "<name> is empty".
_MISSING = {
    "text": "message text is empty",
    "document": "there is no document in the request",
    "photo": "there is no photo in the request",
    "audio": "there is no audio in the request",
    "video": "there is no video in the request",
    "message_id": "message identifier is not specified",
    "callback_query_id": "QUERY_ID_INVALID",
}
_JSON_NAMES = {
    "reply_markup": "reply keyboard markup",
    "entities": "entities",
    "caption_entities": "caption entities",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]
    required: tuple[str, ...]


class BotApiSpec:
    """Methods of the Bot API and their parameters, loaded from ``bot_api.json``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = str(data.get("version", ""))
        self.methods: dict[str, MethodSpec] = {}
        for name, fields in data["methods"].items():
            specs = {
                fname: FieldSpec(fname, tuple(f["types"]), bool(f["required"]))
                for fname, f in fields.items()
            }
            required = tuple(f.name for f in specs.values() if f.required)
            self.methods[name] = MethodSpec(name, specs, required)
        self._lower = {name.lower(): name for name in self.methods}

    def canonical(self, method: str) -> str | None:
        """The method's official name (Telegram matches method names case-insensitively)."""
        return self._lower.get(method.lower())

    def normalize(
        self, method: str, raw: Mapping[str, Any], *, strict: bool = True
    ) -> dict[str, Any]:
        """Check parameters against the description and convert them to their types.

        Raises ApiError 400 for unknown parameters (when strict), missing required ones and
        values that cannot be converted.
        """
        spec = self.methods[method]
        fields = spec.fields
        out: dict[str, Any] = {}
        for name, value in raw.items():
            fs = fields.get(name)
            if fs is None:
                if strict:
                    raise bad_request(f"unknown parameter {name}")
                continue
            if value is None:
                continue
            out[name] = _coerce(fs, value)
        for name in spec.required:
            if name not in out or out[name] == "":
                raise bad_request(_MISSING.get(name, f"{name} is empty"))
        return out


def _coerce(fs: FieldSpec, value: Any) -> Any:
    types = fs.types
    if isinstance(value, UploadedFile):
        if "InputFile" in types:
            return value
        raise bad_request(f'field "{fs.name}" must be of type {types[0]}')
    for t in types:
        if t == "Integer":
            if isinstance(value, bool):
                continue
            if isinstance(value, int):
                return value
            if isinstance(value, str) and _INT_RE.match(value):
                return int(value)
            if isinstance(value, float) and value.is_integer():
                return int(value)
        elif t == "String":
            if isinstance(value, str):
                return value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
        elif t == "Boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
                return value.lower() in ("true", "1")
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
        elif t in ("Float", "Float number"):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
            if isinstance(value, str):
                try:
                    return float(value)
                except ValueError:
                    continue
        elif t == "InputFile":
            if isinstance(value, str):
                return value
        else:  # an object or "Array of X"
            if isinstance(value, (dict, list)):
                return value
            if isinstance(value, str):
                try:
                    parsed = json.loads(value)
                except ValueError:
                    continue
                if isinstance(parsed, (dict, list)):
                    return parsed
    if any(t not in ("Integer", "String", "Boolean", "Float", "InputFile") for t in types):
        what = _JSON_NAMES.get(fs.name, fs.name)
        raise bad_request(f"can't parse {what} JSON object")
    raise bad_request(f'field "{fs.name}" must be of type {types[0]}')


@lru_cache(maxsize=4)
def load_spec(path: str | None = None) -> BotApiSpec:
    """Load the Bot API description once (per path)."""
    source = Path(path) if path else SPEC_PATH
    with source.open(encoding="utf-8") as fh:
        return BotApiSpec(json.load(fh))


def derive_spec(api_json: str | Path, target: str | Path = SPEC_PATH) -> None:
    """Write the compact ``bot_api.json`` from a full telegram-bot-api-spec ``api.json``."""
    with Path(api_json).open(encoding="utf-8") as fh:
        data = json.load(fh)
    out: dict[str, Any] = {
        "version": data["version"],
        "release_date": data.get("release_date"),
        "source": "derived from PaulSonOfLars/telegram-bot-api-spec api.json (MIT)",
        "methods": {
            name: {
                f["name"]: {"types": f["types"], "required": f["required"]}
                for f in m.get("fields", [])
            }
            for name, m in sorted(data["methods"].items())
        },
    }
    with Path(target).open("w", encoding="utf-8") as fh:
        json.dump(out, fh, separators=(",", ":"), sort_keys=True)
