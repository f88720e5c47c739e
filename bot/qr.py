"""A QR code as a PNG image, to show on a phone's screen or to forward: black modules on white,
with the quiet zone the standard asks for (4 modules). The matrix comes from `qrcode`; the PNG
is written here with zlib (a 1-bit greyscale image), so no imaging library is needed."""

from __future__ import annotations

import struct
import zlib

SCALE = 10  # pixels per module: about 450 px for an invitation link, sharp on any screen
BORDER = 4


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def matrix(text: str) -> list[list[bool]]:
    """The modules of `text`'s code (True: dark), its quiet zone included."""
    import qrcode  # here, not at start: it brings an imaging library the bot rarely needs

    code = qrcode.QRCode(border=BORDER, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def png(text: str, scale: int = SCALE) -> bytes:
    rows = matrix(text)
    size = len(rows) * scale
    raw = bytearray()
    for row in rows:
        bits = "".join(("0" if dark else "1") * scale for dark in row)  # 0: black
        bits += "0" * (-len(bits) % 8)
        line = b"\x00" + int(bits, 2).to_bytes(len(bits) // 8, "big")
        raw += line * scale
    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + _chunk(b"IEND", b"")
    )


def read_png(data: bytes) -> list[list[bool]]:
    """The modules of a PNG written by `png` (for checks): one sample per module."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width = struct.unpack(">I", body[:4])[0]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + (width + 7) // 8
    lines = [raw[i + 1 : i + stride] for i in range(0, len(raw), stride)]
    pixels = [[not (line[x // 8] >> (7 - x % 8)) & 1 for x in range(width)] for line in lines]
    scale = next(i for i, dark in enumerate(pixels[BORDER * SCALE]) if dark) // BORDER
    return [row[::scale] for row in pixels[::scale]]
