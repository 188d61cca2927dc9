"""Notify worker process (outbox relay, consumers, dispatcher, reconciler): `python -m notify.entrypoints.worker`."""

from __future__ import annotations

from ..spec import SPEC

if __name__ == "__main__":
    SPEC.worker_main()
