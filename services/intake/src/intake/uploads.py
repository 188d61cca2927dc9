"""Streaming multipart/form-data: parts arrive as events while the body is still being received.

Starlette's form parser spools a whole upload to a temporary file before a route sees it; evidence
must instead be hashed and stored chunk by chunk as it streams (and refused as soon as its first
bytes show the wrong type), so routes feed the raw body through this push parser.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from servicekit.errors import DomainError, InvalidInput

from .domain.media_types import UnsupportedMediaType

MAX_PARTS = 20
MAX_FIELD_BYTES = 4096


class MalformedUpload(DomainError):
    status, title = 400, "Malformed upload"


@dataclass
class PartStart:
    """A new part begins: its form name, file name (if a file) and declared content type."""

    name: str
    filename: str | None
    content_type: str | None


@dataclass
class PartData:
    data: bytes


@dataclass
class PartEnd:
    pass


Event = PartStart | PartData | PartEnd


@dataclass
class _Collector:
    events: list[Event] = field(default_factory=list)
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    headers: dict[str, bytes] = field(default_factory=dict)
    parts: int = 0
    ended: bool = False

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._begin, "on_part_data": self._data, "on_part_end": self._end,
            "on_header_field": lambda d, s, e: self.header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self.header_value.extend(d[s:e]),
            "on_header_end": self._header_end, "on_headers_finished": self._headers_done,
            "on_end": self._finished,
        }

    def _finished(self) -> None:
        self.ended = True

    def _begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise MalformedUpload("form_too_many_parts", field="body")
        self.headers = {}

    def _header_end(self) -> None:
        self.headers[bytes(self.header_field).decode("latin-1").lower()] = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def _headers_done(self) -> None:
        kind, options = parse_options_header(self.headers.get("content-disposition", b""))
        name = options.get(b"name")
        if kind != b"form-data" or not name:
            raise MalformedUpload("form_part_unnamed", field="body")
        filename = options.get(b"filename")
        declared = self.headers.get("content-type")
        self.events.append(PartStart(name=name.decode("utf-8", "replace"),
                                     filename=filename.decode("utf-8", "replace") if filename is not None else None,
                                     content_type=declared.decode("latin-1") if declared else None))

    def _data(self, data: bytes, start: int, end: int) -> None:
        self.events.append(PartData(bytes(data[start:end])))

    def _end(self) -> None:
        self.events.append(PartEnd())


def boundary_of(content_type: str | None) -> bytes:
    """The multipart boundary, or 415 when the body is not multipart/form-data."""
    kind, options = parse_options_header(content_type or "")
    if kind != b"multipart/form-data":
        raise UnsupportedMediaType("expected_multipart", field="content-type")
    boundary = options.get(b"boundary")
    if not boundary:
        raise MalformedUpload("multipart_boundary_missing", field="content-type")
    return boundary


async def multipart_events(body: AsyncIterator[bytes], content_type: str | None) -> AsyncIterator[Event]:
    """Parse a multipart body as it streams, yielding part events in order."""
    collector = _Collector()
    parser = MultipartParser(boundary_of(content_type), collector.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in body:
            parser.write(chunk)
            for event in collector.events:
                yield event
            collector.events.clear()
        parser.finalize()
    except MultipartParseError:
        raise MalformedUpload("multipart_malformed", field="body") from None
    for event in collector.events:
        yield event
    if not collector.ended:
        # A body cut short must not pass for a complete (shorter) file.
        raise MalformedUpload("multipart_truncated", field="body")


async def read_field(events: AsyncIterator[Event], name: str) -> str:
    """The text value of a small form field whose PartStart was just consumed."""
    value = bytearray()
    async for event in events:
        if isinstance(event, PartEnd):
            break
        if isinstance(event, PartData):
            value += event.data
            if len(value) > MAX_FIELD_BYTES:
                raise InvalidInput("form_field_too_long", field=name)
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("form_field_not_utf8", field=name) from None
