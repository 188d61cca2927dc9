"""Regions and cercles of Mali (2023 administrative map), shipped as education's `regions` vocabulary.

Each term is a region (or the Bamako district); its `cercles` attribute lists the cercles, coded
`region/cercle` like intake's map, so counts from both services meet on the same codes.
"""

from __future__ import annotations

from servicekit.errors import InvalidInput

from .vocabulary import vocabulary


def region_codes() -> tuple[str, ...]:
    """Every region code, in the vocabulary's order."""
    return vocabulary("regions").codes()


def cercle_codes(region: str) -> tuple[str, ...]:
    """The cercle codes of a region (empty for an unknown region)."""
    term = vocabulary("regions").get(region)
    return tuple(c["code"] for c in term.attributes.get("cercles", ())) if term else ()


def check_place(region: str, cercle: str | None, *, field: str = "region") -> None:
    """A known region, and a cercle of that region when one is given."""
    if region not in vocabulary("regions"):
        raise InvalidInput("unknown_term", field=field, vocabulary="regions", allowed=list(region_codes()))
    if cercle is not None and cercle not in cercle_codes(region):
        raise InvalidInput("cercle_not_in_region", field="cercle", region=region,
                           allowed=list(cercle_codes(region)))
