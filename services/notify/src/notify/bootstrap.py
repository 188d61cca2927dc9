"""The one place notify's objects are wired together."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.auth import TokenVerifier
from servicekit.eventstore import EventStore
from servicekit.service import Core, build_core, token_verifier

from .channels.setup import Channels, build_channels
from .config import Settings
from .keys import ContactKeys, build_key_client
from .projections import DeliveryQueue, HearingStore, ProviderRecords, RecipientStore


@dataclass(frozen=True)
class Deps:
    """Everything handlers, the dispatcher and routes need; tests replace the clock (`core`), keys or channels."""

    core: Core
    verifier: TokenVerifier
    settings: Settings
    recipients: RecipientStore
    hearings: HearingStore
    queue: DeliveryQueue
    providers: ProviderRecords
    keys: ContactKeys
    channels: Channels

    @property
    def store(self) -> EventStore:
        return self.core.store


def build_deps(settings: Settings) -> Deps:
    """Build notify's dependencies from its settings (no I/O happens here)."""
    core = build_core(settings)
    return Deps(core=core, verifier=token_verifier(settings), settings=settings,
                recipients=RecipientStore(core.db, default_channel=settings.default_channel),
                hearings=HearingStore(core.db), queue=DeliveryQueue(core.db), providers=ProviderRecords(core.db),
                keys=build_key_client(settings), channels=build_channels(settings))
