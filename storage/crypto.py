"""Encryption at rest of free texts: AES-256-GCM from `cryptography`, one key (or several,
while a rotation runs) given to the engine, never a global.

A value is stored as `\\x1f<key id>.<base64(nonce + ciphertext + tag)>` (bytes: a binary
prefix), the key id being derived from the key itself, so that a rotation knows which values
still need the new key and a start-up without a key can see that encrypted data exists. The
associated data is the column's name (`meeting.notes`): a value copied into another column does
not decrypt. Without a key the columns hold plain text (encryption off); a plain value is
read as it is, so a database is encrypted in place by `mentorbot keys rotate`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MARK = "\x1f"  # a control character: typed text never holds one (it is cleaned at the edge)
BYTES_MARK = b"\x00mbenc1\x00"
NONCE = 12
KEY_ID_LENGTH = 8
_SPLIT = re.compile(r"[\s,]+")


class CryptoError(Exception):
    """A key that cannot be used, or encrypted data without its key: one line for the operator."""


class MissingKey(CryptoError):
    """Encrypted data was read and its key is not configured."""


def key_id(key: bytes) -> str:
    digest = hashlib.sha256(b"mentorbot key id\x00" + key).digest()
    return base64.urlsafe_b64encode(digest[:6]).decode()  # 8 characters


def new_key() -> str:
    """A fresh key, as MENTORBOT_ENCRYPTION_KEY takes it: urlsafe base64 of 32 random bytes."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raise CryptoError("a key is not urlsafe base64") from None
    if len(raw) != 32:
        raise CryptoError(f"a key must be 32 bytes (urlsafe base64), not {len(raw)}")
    return raw


@dataclass(frozen=True)
class Keyring:
    """The keys: the first encrypts, every one decrypts (old keys stay until a rotation ends)."""

    keys: tuple[tuple[str, bytes], ...]
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise CryptoError("no key given")
        for kid, raw in self.keys:
            self._ciphers[kid] = AESGCM(raw)

    def __repr__(self) -> str:  # never the keys themselves
        return f"Keyring(ids={self.ids})"

    @classmethod
    def of(cls, texts: Iterable[str]) -> Keyring:
        keys: list[tuple[str, bytes]] = []
        for text in texts:
            for part in _SPLIT.split(text.strip()):
                if part:
                    raw = parse_key(part)
                    if all(raw != known for _, known in keys):
                        keys.append((key_id(raw), raw))
        return cls(tuple(keys))

    @property
    def current(self) -> str:
        return self.keys[0][0]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(kid for kid, _ in self.keys)

    def seal(self, data: bytes, aad: bytes) -> tuple[str, bytes]:
        nonce = os.urandom(NONCE)
        return self.current, nonce + self._ciphers[self.current].encrypt(nonce, data, aad)

    def open(self, kid: str, sealed: bytes, aad: bytes) -> bytes:
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise MissingKey(
                f"data is encrypted with key {kid}, which is not among the configured keys "
                f"({', '.join(self.ids)})"
            )
        try:
            return cipher.decrypt(sealed[:NONCE], sealed[NONCE:], aad)
        except InvalidTag:
            raise CryptoError(f"a value of {aad.decode()} does not decrypt (altered?)") from None

    # text form ---------------------------------------------------------------------------
    def encrypt_text(self, value: str, purpose: str) -> str:
        kid, sealed = self.seal(value.encode(), purpose.encode())
        return f"{MARK}{kid}.{base64.b64encode(sealed).decode()}"

    def decrypt_text(self, value: str, purpose: str) -> str:
        kid, _, body = value[1:].partition(".")
        return self.open(kid, base64.b64decode(body), purpose.encode()).decode()

    # bytes form --------------------------------------------------------------------------
    def encrypt_bytes(self, value: bytes, purpose: str) -> bytes:
        kid, sealed = self.seal(value, purpose.encode())
        return BYTES_MARK + kid.encode() + sealed

    def decrypt_bytes(self, value: bytes, purpose: str) -> bytes:
        start = len(BYTES_MARK)
        kid = value[start : start + KEY_ID_LENGTH].decode()
        return self.open(kid, value[start + KEY_ID_LENGTH :], purpose.encode())


NO_KEY = (
    "the database holds encrypted data and no key is set: set MENTORBOT_ENCRYPTION_KEY or "
    "MENTORBOT_ENCRYPTION_KEY_FILE"
)


def is_encrypted(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith(MARK)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value[: len(BYTES_MARK)]) == BYTES_MARK
    return False


def key_of(value: str | bytes) -> str | None:
    """The id of the key a stored value is encrypted with (None: plain)."""
    if isinstance(value, str):
        return value[1 : 1 + KEY_ID_LENGTH] if value.startswith(MARK) else None
    if bytes(value[: len(BYTES_MARK)]) == BYTES_MARK:
        start = len(BYTES_MARK)
        return bytes(value[start : start + KEY_ID_LENGTH]).decode()
    return None


_ATTRIBUTE = "mentorbot_keyring"


def install(dialect: Any, keyring: Keyring | None) -> None:
    """Give an engine's dialect its keys (the column types find them there)."""
    setattr(dialect, _ATTRIBUTE, keyring)


def keyring_of(dialect: Any) -> Keyring | None:
    found = getattr(dialect, _ATTRIBUTE, None)
    return found if isinstance(found, Keyring) else None
