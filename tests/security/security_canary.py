"""Canaries and the scanners that look for them in every place a victim's identity could leak to.

A canary identity is unique per run (a random tag in every value), so a hit can only come from this
run. Needles cover the forms a leak could take: each value, the bare tag, the phone's digits with
and without the country code. Scanners return `Hit`s that say where, never stopping at the first.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from servicekit.testing import read_topic

# servicekit.crypto's field format: "v1.<base64url nonce>.<base64url ciphertext+tag>".
CIPHERTEXT = re.compile(r"v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}")


def canary_identity() -> dict[str, Any]:
    tag = uuid.uuid4().hex[:10]
    digits = str(int(tag, 16) % 10**8).zfill(8)
    return {"name": f"Kanari{tag} Traoré", "aliases": [f"Kanaripetit{tag}"],
            "phone": f"+223 {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}",
            "email": f"kanari{tag}@example.org", "address": f"Rue Kanari{tag}, Sévaré",
            "narrative": f"Kanari{tag} a vu les hommes armés."}


def incident_texts(identity: dict[str, Any]) -> dict[str, str]:
    """An incident's narrative and a source's account naming the canary: sealed by intake, never in clear elsewhere."""
    tag = identity["email"].split("@")[0].removeprefix("kanari")
    return {"narrative": f"Récit Kanarirecit{tag} : à Sévaré, des hommes armés ont emmené son frère.",
            "account": f"Témoignage Kanaritemoin{tag} : « ils sont venus à l'aube »."}


def needles(identity: dict[str, Any]) -> set[str]:
    """Every form a leak of this identity could take (all contain the tag or the full international number).

    The bare eight local digits are left out: timestamps and offsets make such a short run of digits
    appear by chance; the ten-hex-digit tag and the eleven-digit number do not."""
    tag = identity["email"].split("@")[0].removeprefix("kanari")
    digits = "".join(c for c in identity["phone"] if c.isdigit())
    values = {v for v in identity.values() if isinstance(v, str)} | set(identity["aliases"])
    return {*values, tag, digits, "+" + digits, identity["phone"].replace(" ", "")}


@dataclass
class Scan:
    """What was looked at, and where a needle was found."""

    places: int = 0
    hits: list[str] = field(default_factory=list)

    def look(self, where: str, text: str, wanted: set[str]) -> None:
        self.places += 1
        found = sorted(n for n in wanted if n in text)
        if found:
            self.hits.append(f"{where}: {found}")


async def namespace_topics(bootstrap: str, namespace: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if t.startswith(namespace))
    finally:
        await admin.close()


async def kafka_records(bootstrap: str, topics: Iterable[str], *, passes: int = 4) -> list[tuple[str, Any]]:
    """Every record of the topics (DLQs included when listed), read until two passes agree.

    Consumers may still be publishing consequences (a delivery status, an erasure's effects), so one
    read can miss a late record: the topics are re-read (bounded) until the count stops changing.
    """
    topics = list(topics)
    found: list[tuple[str, Any]] = []
    for _ in range(passes):
        batches = await asyncio.gather(*(_read_all(bootstrap, t) for t in topics))
        latest = [(topic, record) for topic, batch in zip(topics, batches, strict=True) for record in batch]
        if found and len(latest) == len(found):
            return latest
        found = latest
    return found


async def _read_all(bootstrap: str, topic: str, attempts: int = 3) -> list[Any]:
    """One topic from the beginning; a reader that got no partition metadata in time (a loaded machine) tries
    again, and the last failure is raised: a topic is never skipped."""
    for attempt in range(attempts):
        try:
            return await read_topic(bootstrap, topic, timeout=15.0, idle=1.5)
        except AssertionError:
            if attempt == attempts - 1:
                raise
    return []


def record_text(record: Any) -> str:
    raw = (record.value or b"") + b"\n" + (record.key or b"") + b"\n" + b"\n".join(
        name.encode() + b"=" + (value or b"") for name, value in record.headers or ())
    return raw.decode("utf-8", "replace")


def scan_kafka(records: list[tuple[str, Any]], wanted: set[str]) -> Scan:
    scan = Scan()
    for topic, record in records:
        scan.look(f"kafka {topic}[{record.partition}]@{record.offset}", record_text(record), wanted)
    return scan


def scan_lines(paths: Iterable[Path], wanted: set[str], label: str) -> Scan:
    scan = Scan()
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            scan.look(f"{label} {path.name}:{number}", line, wanted)
    return scan


async def scan_stores(client: Any, databases: Iterable[str], wanted: set[str]) -> tuple[Scan, dict[str, int]]:
    """Every document of every collection of the databases, as JSON text; also counts per collection."""
    scan, counts = Scan(), {}
    for name in databases:
        database = client[name]
        for collection in sorted(await database.list_collection_names()):
            count = 0
            async for document in database[collection].find({}):
                count += 1
                text = json.dumps(document, default=str, ensure_ascii=False)
                scan.look(f"store {name}.{collection} _id={document.get('_id')}", text, wanted)
            counts[f"{name}.{collection}"] = count
    return scan, counts


def ciphertexts_in(text: str) -> set[str]:
    return set(CIPHERTEXT.findall(text))
