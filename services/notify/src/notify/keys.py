"""The key path as notify sees it: a small port, and intake's key-release client behind it.

Contacts are decrypted only right before a send, with the victim's data key released by intake
for the purpose "notifications" (it checks consent, and refuses erased victims). Keys stay in this
process's memory for a few minutes and are dropped at once on erasure. Unit tests use a fake.
"""

from __future__ import annotations

from typing import Protocol

from servicekit.keyclient import KeyClient, service_token_provider

from .config import Settings


class ContactKeys(Protocol):
    """What notify needs from the key custodian."""

    async def data_key(self, victim_id: str) -> bytes:
        """The victim's key; raises KeyUnavailable (do not send) or TransientError (later)."""
        ...

    async def decrypt(self, victim_id: str, field: str, ciphertext: str) -> str:
        """One contact field in clear, for the send that needs it only."""
        ...

    def forget(self, victim_id: str) -> None:
        """Drop any cached key of the victim."""
        ...


def build_key_client(settings: Settings) -> KeyClient:
    """Intake's key-release client for the purpose "notifications", memory cache only."""
    return KeyClient(
        base_url=settings.intake_url,
        token_provider=service_token_provider(settings),
        purpose="notifications",
        ttl_seconds=settings.key_cache_ttl_seconds,
    )
