"""The one place casework's objects are wired together."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from pathlib import Path

from servicekit.auth import TokenVerifier
from servicekit.crypto import KeyEncryptionKey, load_kek
from servicekit.keyclient import KeyClient, service_token_provider
from servicekit.service import Core, build_core, token_verifier

from .config import Settings
from .names import KeyPathNames, VictimNames
from .notes import NotesVault
from .projections import CalendarFeeds, VictimRecords
from .queries import Queries

log = logging.getLogger("casework.bootstrap")


@dataclass(frozen=True)
class Deps:
    """Everything handlers and routes need (the clock is `core.clock`); tests replace the ports with fakes."""

    core: Core
    verifier: TokenVerifier
    names: VictimNames
    notes: NotesVault
    victims: VictimRecords
    queries: Queries
    feeds: CalendarFeeds


def notes_kek(settings: Settings) -> KeyEncryptionKey:
    """The KEK of privileged notes; development may derive one from the dev signing key, loudly."""
    if settings.notes_key_source is not None:
        return load_kek(settings.notes_key_source.get_secret_value())
    if settings.dev_signing_key_file is None:
        raise RuntimeError("CASEWORK_NOTES_KEY_SOURCE is required (file:/path or base64:<32 bytes>)")
    log.warning("CASEWORK_NOTES_KEY_SOURCE is not set: deriving the notes key from the development signing key; "
                "never run like this with real notes")
    return dev_notes_kek(settings.dev_signing_key_file)


def dev_notes_kek(signing_key_file: Path) -> KeyEncryptionKey:
    """Development only: a KEK derived from the dev signing key, the same in the API and the worker."""
    secret = hmac.new(signing_key_file.read_bytes(), b"redress.casework.notes-kek.dev.v1", hashlib.sha256).digest()
    return KeyEncryptionKey(key_id="dev-derived:" + hashlib.sha256(secret).hexdigest()[:12], key=secret)


def build_deps(settings: Settings) -> Deps:
    """Build casework's dependencies from its settings."""
    core = build_core(settings)
    key_client = KeyClient(settings.intake_url, service_token_provider(settings), purpose="legal_support",
                           ttl_seconds=settings.key_cache_seconds)
    return Deps(core=core, verifier=token_verifier(settings), names=KeyPathNames(key_client),
                notes=NotesVault(core.db, notes_kek(settings)), victims=VictimRecords(core.db),
                queries=Queries(core.db), feeds=CalendarFeeds(core.db))
