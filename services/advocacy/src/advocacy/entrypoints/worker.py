"""Advocacy worker process (outbox relay, consumers): `python -m advocacy.entrypoints.worker`."""

from __future__ import annotations

from ..spec import SPEC

if __name__ == "__main__":
    SPEC.worker_main()
