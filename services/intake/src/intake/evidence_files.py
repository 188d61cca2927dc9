"""Evidence file bytes in intake's store: `evidence_chunks`, `_id` = "<evidence id>:<n, 6 digits>".

Why not GridFS: it works on FerretDB 1.24 (verified by a round trip), but it reads chunks with a
`{files_id, n}` query that FerretDB's SQLite backend answers by scanning the whole chunks collection,
and a GridFS upload that dies midway leaves chunks no file document points to. Here every chunk is
read by `_id` (indexed on both stores), written under a deterministic `_id` (a retried upload
overwrites the same documents), and the file exists for readers only once its `evidence.recorded`
commit does. Reading stops at the first missing chunk; the SHA-256 then tells whether the bytes are
whole and unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bson import Binary
from pymongo.asynchronous.collection import AsyncCollection

MAX_CHUNKS = 999_999


def chunk_id(evidence_id: str, n: int) -> str:
    return f"{evidence_id}:{n:06d}"


@dataclass(frozen=True)
class Digest:
    """What the store holds: its SHA-256 and size."""

    sha256: str
    size_bytes: int


class ChunkWriter:
    """Buffers streamed bytes into fixed-size chunks, hashing as they pass."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]], evidence_id: str, chunk_bytes: int) -> None:
        self.collection = collection
        self.evidence_id = evidence_id
        self.chunk_bytes = chunk_bytes
        self.hasher = hashlib.sha256()
        self.size = 0
        self.written = 0
        self.buffer = bytearray()

    async def write(self, data: bytes) -> None:
        self.hasher.update(data)
        self.size += len(data)
        self.buffer += data
        while len(self.buffer) >= self.chunk_bytes:
            await self._flush(bytes(self.buffer[: self.chunk_bytes]))
            del self.buffer[: self.chunk_bytes]

    async def close(self) -> Digest:
        """Write the last partial chunk; the SHA-256 and size of everything written."""
        if self.buffer:
            await self._flush(bytes(self.buffer))
            self.buffer.clear()
        # A retried upload that was longer the first time left chunks past our end: drop them.
        await remove_chunks(self.collection, self.evidence_id, start=self.written)
        return Digest(self.hasher.hexdigest(), self.size)

    async def _flush(self, data: bytes) -> None:
        if self.written >= MAX_CHUNKS:
            raise ValueError("evidence file has too many chunks")
        _id = chunk_id(self.evidence_id, self.written)
        await self.collection.replace_one({"_id": _id}, {"_id": _id, "data": Binary(data)}, upsert=True)
        self.written += 1


class EvidenceFiles:
    """Writes, reads, verifies and removes evidence files."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]], chunk_bytes: int) -> None:
        self.collection = collection
        self.chunk_bytes = chunk_bytes

    def writer(self, evidence_id: str) -> ChunkWriter:
        return ChunkWriter(self.collection, evidence_id, self.chunk_bytes)

    async def chunks(self, evidence_id: str) -> AsyncIterator[bytes]:
        """The file's chunks in order, each read by `_id`."""
        for n in range(MAX_CHUNKS):
            document = await self.collection.find_one({"_id": chunk_id(evidence_id, n)})
            if document is None:
                return
            yield bytes(document["data"])

    async def digest(self, evidence_id: str) -> Digest:
        """SHA-256 and size of what the store holds now."""
        hasher, size = hashlib.sha256(), 0
        async for data in self.chunks(evidence_id):
            hasher.update(data)
            size += len(data)
        return Digest(hasher.hexdigest(), size)

    async def remove(self, evidence_id: str) -> None:
        """Delete the chunks of an upload that was refused."""
        await remove_chunks(self.collection, evidence_id, start=0)


async def remove_chunks(collection: AsyncCollection[dict[str, Any]], evidence_id: str, *, start: int) -> None:
    """Delete chunks from `start` on, probing `_id`s until the first gap."""
    for n in range(start, MAX_CHUNKS):
        result = await collection.delete_one({"_id": chunk_id(evidence_id, n)})
        if result.deleted_count == 0:
            return
