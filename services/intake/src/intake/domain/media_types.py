"""The media types evidence may have, recognised by their magic bytes as well as their declared type.

A declared type alone proves nothing: a file's first bytes must match it, so an executable or an HTML
page renamed `photo.jpg` is refused before anything is stored.
"""

from __future__ import annotations

from collections.abc import Callable

from servicekit.errors import DomainError

#: Bytes needed to recognise every allowed type.
SNIFF_BYTES = 16


class UnsupportedMediaType(DomainError):
    status, title = 415, "Unsupported media type"


def _riff(kind: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[:4] == b"RIFF" and head[8:12] == kind


def _mp3(head: bytes) -> bool:
    # An ID3 tag, or an MPEG audio frame sync (11 set bits).
    return head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def _iso_media(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


SIGNATURES: dict[str, Callable[[bytes], bool]] = {
    "application/pdf": lambda head: head.startswith(b"%PDF-"),
    "image/jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "image/png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/webp": _riff(b"WEBP"),
    "audio/wav": _riff(b"WAVE"),
    "audio/x-wav": _riff(b"WAVE"),
    "audio/ogg": lambda head: head.startswith(b"OggS"),
    "audio/mpeg": _mp3,
    "audio/mp4": _iso_media,
    "video/mp4": _iso_media,
}

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
              "audio/wav": "wav", "audio/x-wav": "wav", "audio/ogg": "ogg", "audio/mpeg": "mp3",
              "audio/mp4": "m4a", "video/mp4": "mp4"}


def normalise(declared: str | None) -> str:
    """The declared media type without parameters, lower case."""
    return (declared or "").split(";")[0].strip().lower()


def check_declared(declared: str | None) -> str:
    """The declared type if it is on the allow-list, else a 415 naming the allowed types."""
    media_type = normalise(declared)
    if media_type not in SIGNATURES:
        raise UnsupportedMediaType("evidence_media_type_refused", field="file",
                                   allowed=sorted(SIGNATURES))
    return media_type


def check_content(media_type: str, head: bytes) -> None:
    """The first bytes must match the declared type (415 otherwise)."""
    if not head or not SIGNATURES[media_type](head[:SNIFF_BYTES]):
        raise UnsupportedMediaType("file_content_mismatch", field="file")
