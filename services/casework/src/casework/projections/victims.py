"""What casework keeps about a victim outside its event history, so that erasure can remove it.

- `victim_identities`: the name ciphertext intake sent with a referral (`_id` = victim id). Never
  plaintext. Deleted on erasure (and the ciphertext is crypto-shredded by intake anyway).
- `victim_status`: the latest legal-support consent seen, the organisations the victim shares her file
  with, the organisation that documented her, and the erasure tombstone (`_id` = victim id). Referrals
  and consent events travel on different topics, so either may arrive first; this document lets the
  later one see what the earlier one said.
The event history itself only ever holds pseudonymous victim ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


@dataclass(frozen=True)
class VictimStatus:
    """Consent and erasure as last seen by casework."""

    legal_support: bool | None
    consent_as_of: datetime | None
    erased: bool
    sharing: tuple[str, ...] | None = None  # None: no consent event seen yet
    owner: str | None = None  # the organisation that documented (and referred) the victim
    ever_withdrawn: bool = False  # a withdrawal was recorded once: her cases or referrals may carry the flag

    def shares_with(self, organisation: str) -> bool | None:
        """Whether the latest consent seen shares the file with the organisation (None: not known here)."""
        return None if self.sharing is None else organisation in self.sharing


class VictimRecords:
    """All queries on the victim side collections live here."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self.identities = db["victim_identities"]
        self.statuses = db["victim_status"]

    async def keep_name(self, victim_id: str, name_ciphertext: str) -> None:
        """Keep the name ciphertext unless the victim was erased (checked after writing: no race)."""
        await self.identities.replace_one({"_id": victim_id}, {"_id": victim_id, "name_ciphertext": name_ciphertext},
                                          upsert=True)
        # Erasure sets the tombstone before deleting; reading it after our write means either we see it
        # here, or its delete runs after our write. Either way no ciphertext survives an erasure.
        if (await self.status(victim_id)).erased:
            await self.identities.delete_one({"_id": victim_id})

    async def name_ciphertext(self, victim_id: str) -> str | None:
        """The stored name ciphertext, if any."""
        doc = await self.identities.find_one({"_id": victim_id})
        return doc["name_ciphertext"] if doc else None

    async def status(self, victim_id: str) -> VictimStatus:
        """Consent and erasure as last seen (unknown consent is None)."""
        doc = await self.statuses.find_one({"_id": victim_id}) or {}
        as_of = doc.get("consent_as_of")
        sharing = doc.get("sharing")
        return VictimStatus(legal_support=doc.get("legal_support"),
                            consent_as_of=datetime.fromisoformat(as_of) if as_of else None,
                            erased=bool(doc.get("erased")),
                            sharing=tuple(sharing) if isinstance(sharing, list) else None,
                            owner=doc.get("owner"), ever_withdrawn=bool(doc.get("ever_withdrawn")))

    async def record_owner(self, victim_id: str, organisation: str) -> None:
        """Remember which organisation documented the victim, so audit entries about her name it."""
        await self.statuses.update_one({"_id": victim_id}, {"$set": {"owner": organisation}}, upsert=True)

    async def record_consent(self, victim_id: str, legal_support: bool, *, as_of: datetime,
                             version: int | None, sharing: list[str] | None = None) -> None:
        """Keep the newest consent only (by intake's version, else by event time): a late, older one changes nothing."""
        stamp = as_of.astimezone(UTC).isoformat()  # one format, so stamps compare as strings
        order = f"v{version:012d}" if version is not None else f"t{stamp}"
        try:
            await self.statuses.update_one(
                {"_id": victim_id, "$or": [{"consent_order": {"$lt": order}}, {"consent_order": {"$exists": False}}]},
                {"$set": {"legal_support": legal_support, "consent_as_of": stamp, "consent_order": order,
                          **({"sharing": sorted(set(sharing))} if sharing is not None else {}),
                          **({"ever_withdrawn": True} if not legal_support else {})}},
                upsert=True)
        except DuplicateKeyError:
            pass  # a newer consent is already recorded

    async def record_erasure(self, victim_id: str, erased_at: datetime) -> None:
        """Tombstone the victim first, then delete the name ciphertext."""
        await self.statuses.update_one({"_id": victim_id},
                                       {"$set": {"erased": True, "erased_at": erased_at.isoformat()}}, upsert=True)
        await self.identities.delete_one({"_id": victim_id})
