"""The port through which a lawyer sees a victim's name: decrypted at request time, never stored.

Casework keeps only the ciphertext intake sent with the referral (encrypted with the victim's data
key, AAD = victim id + "name"). The key comes from intake, the custodian, for the purpose
"legal_support": intake checks consent, audits the release and refuses erased victims.
"""

from __future__ import annotations

from typing import Protocol

from servicekit.crypto import DecryptionError
from servicekit.errors import DomainError, Forbidden, TransientError
from servicekit.keyclient import KeyClient, KeyUnavailable

NAME_FIELD = "name"


class Gone(DomainError):
    """The victim was erased: their name no longer exists anywhere."""

    status, title = 410, "Gone"


class Unavailable(DomainError):
    """The key custodian cannot answer now; the client may retry."""

    status, title = 503, "Service unavailable"


class VictimNames(Protocol):
    """Reveal a victim's name for a lawyer of `organisation`, or raise a DomainError saying why not."""

    async def reveal(self, victim_id: str, name_ciphertext: str, organisation: str) -> str: ...

    def forget(self, victim_id: str) -> None: ...


class KeyPathNames:
    """VictimNames over servicekit's KeyClient (intake's key release endpoint)."""

    def __init__(self, key_client: KeyClient) -> None:
        self.key_client = key_client

    async def reveal(self, victim_id: str, name_ciphertext: str, organisation: str) -> str:
        try:
            return await self.key_client.decrypt(victim_id, NAME_FIELD, name_ciphertext, organisation)
        except KeyUnavailable as exc:
            raise refusal(exc.status) from None
        except TransientError:
            raise Unavailable("key_custodian_unreachable") from None
        except DecryptionError:
            # The stored ciphertext does not open with the released key: never guess, say so.
            raise Unavailable("name_undecryptable") from None

    def forget(self, victim_id: str) -> None:
        self.key_client.forget(victim_id)


def refusal(status: int) -> DomainError:
    """The domain error for a key the custodian will not release."""
    if status == 403:
        return Forbidden("legal_support_consent_missing")
    return Gone("victim_identity_erased")
