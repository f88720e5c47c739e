"""Uploaded and stored files (documents, photos) and their Telegram views."""

from __future__ import annotations

import hashlib
import mimetypes
import struct
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes | None
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None
    width: int = 0
    height: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else 0

    def document_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        doc["file_size"] = self.size
        return doc

    def photo_json(self) -> list[dict[str, Any]]:
        size = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": self.size,
        }
        return [size]

    def voice_json(self, duration: int) -> dict[str, Any]:
        voice: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "duration": duration,
        }
        if self.mime_type:
            voice["mime_type"] = self.mime_type
        voice["file_size"] = self.size
        return voice

    def file_json(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG image; (0, 0) when unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            i += 2 + length
    return 0, 0


class FileStore:
    """Files known to the emulator, by file_id and by file_path."""

    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self._counter = 0

    def add(
        self,
        data: bytes | None,
        *,
        kind: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> StoredFile:
        self._counter += 1
        n = self._counter
        digest = hashlib.sha1(f"{kind}:{n}".encode() + (data or b"")).hexdigest()
        unique = "AQAD" + hashlib.sha1(data or (url or "").encode()).hexdigest()[:12]
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        ext = ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        elif kind == "photos":
            ext = ".jpg"
        stored = StoredFile(
            file_id=f"BQAC{digest[:8]}{n:06d}{digest[8:40]}",
            file_unique_id=unique,
            file_path=f"{kind}/file_{n}{ext}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            url=url,
        )
        if kind == "photos" and data:
            stored.width, stored.height = image_size(data)
        self.by_id[stored.file_id] = stored
        self.by_path[stored.file_path] = stored
        return stored
