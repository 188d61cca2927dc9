"""Notify API process: `python -m notify.entrypoints.api`."""

from __future__ import annotations

from ..spec import SPEC

build_app = SPEC.build_app

if __name__ == "__main__":
    SPEC.api_main()
