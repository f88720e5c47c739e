"""Request bodies of the Bot API: query string, JSON, urlencoded form, multipart form."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from .errors import bad_request
from .files import UploadedFile
from .httpserver import Request


def _params(header_value: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header_value.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('\\"', '"')
        out[name.strip().lower()] = value
    return out


def parse_multipart(body: bytes, boundary: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    delimiter = b"--" + boundary.encode("latin-1")
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        part = part[2:] if part.startswith(b"\r\n") else part
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            continue
        if content.endswith(b"\r\n"):
            content = content[:-2]
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = _params(headers.get("content-disposition", ""))
        field = disposition.get("name")
        if field is None:
            continue
        if "filename" in disposition or "filename*" in disposition:
            filename = (
                disposition.get("filename")
                or disposition.get("filename*", "").split("''")[-1]
                or ""
            )
            out[field] = UploadedFile(
                filename, headers.get("content-type", "application/octet-stream"), content
            )
        else:
            out[field] = content.decode("utf-8")
    return out


def parse_form(text: str) -> dict[str, str]:
    """application/x-www-form-urlencoded, decoding only the pairs that need it."""
    out: dict[str, str] = {}
    for pair in text.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if "%" in value or "+" in value:
            value = unquote_plus(value)
        out[name] = value
    return out


def request_params(request: Request) -> dict[str, Any]:
    """All parameters of a Bot API request; ``attach://name`` references are resolved to file parts."""
    params: dict[str, Any] = dict(parse_form(request.query)) if request.query else {}
    body = request.body
    if body:
        ctype = request.headers.get("content-type", "")
        kind = ctype.split(";", 1)[0].strip().lower()
        if kind == "application/json":
            try:
                data = json.loads(body)
            except ValueError:
                raise bad_request("can't parse JSON encoded request parameters") from None
            if not isinstance(data, dict):
                raise bad_request("can't parse JSON encoded request parameters")
            params.update(data)
        elif kind == "multipart/form-data":
            boundary = _params(ctype).get("boundary")
            if not boundary:
                raise bad_request("can't parse multipart/form-data request")
            params.update(parse_multipart(body, boundary))
        else:
            params.update(parse_form(body.decode("utf-8", "replace")))
    attached: set[str] = set()
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            name = value[len("attach://") :]
            target = params.get(name)
            if not isinstance(target, UploadedFile):
                raise bad_request(f"file {value} not found in the request")
            params[key] = target
            attached.add(name)
    for name in attached:
        params.pop(name, None)  # parts only referenced through attach:// are not parameters
    return params
